import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { cors } from './cors.middleware';

const app = express();
app.use(cors(['https://shop.example']));
app.get('/api/x', (_req, res) => void res.json({}));

describe('cors', () => {
  it('gives an allowed browser origin its CORS headers, and Vary: Origin', async () => {
    const res = await request(app).get('/api/x').set('Origin', 'https://shop.example');
    expect(res.headers['access-control-allow-origin']).toBe('https://shop.example');
    expect(res.headers['access-control-expose-headers']).toContain('RateLimit');
    expect(res.headers.vary).toContain('Origin');
  });

  it('gives any other origin no allow-origin header', async () => {
    const res = await request(app).get('/api/x').set('Origin', 'https://evil.example');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers.vary).toContain('Origin');
  });

  it('answers a request without Origin without CORS headers, still varying on Origin for caches', async () => {
    const res = await request(app).get('/api/x');
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['access-control-expose-headers']).toBeUndefined();
    expect(res.headers.vary).toBe('Origin');
  });

  it('answers an allowed preflight with the methods and headers the API takes', async () => {
    const res = await request(app)
      .options('/api/x')
      .set('Origin', 'https://shop.example')
      .set('Access-Control-Request-Method', 'POST');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-headers']).toContain('Idempotency-Key');
    expect(res.headers['access-control-max-age']).toBe('600');
  });
});
