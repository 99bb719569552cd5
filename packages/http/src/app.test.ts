import { DomainError, UpstreamProblemError } from '@dbcarts/errors';
import { createLogger } from '@dbcarts/logging';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createHttpApp } from './app';

class OutOfStock extends DomainError {
  readonly code = 'TEST.OUT_OF_STOCK';
  readonly kind = 'conflict';
}

const app = createHttpApp({
  service: 'test',
  logger: createLogger('test', 'silent'),
  readiness: {
    db: async () => {},
    broker: async () => {
      throw new Error('broker down');
    },
  },
  routes: (a) => {
    a.get('/domain', () => {
      throw new OutOfStock('none left', { sku: 'A', status: 'spoofed' });
    });
    a.get('/zod', (req) => {
      z.strictObject({ n: z.coerce.number().int() }).parse(req.query);
    });
    a.get('/boom', () => {
      throw new Error('secret internals at /srv/x.ts:12');
    });
    a.get('/items/:id', (_req, res) => {
      res.json({});
    });
    a.get('/upstream', () => {
      throw new UpstreamProblemError({ type: 't', title: 'x', status: 402, code: 'PAYMENT.DECLINED' }, 'payments');
    });
  },
});

describe('createHttpApp', () => {
  it('maps a domain error to problem+json with its stable code; details never override status', async () => {
    const res = await request(app).get('/domain');
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ code: 'TEST.OUT_OF_STOCK', status: 409, detail: 'none left', sku: 'A' });
  });

  it('maps validation failures to 400 listing the fields', async () => {
    const res = await request(app).get('/zod?n=abc&x=1');
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['', 'n']);
  });

  it('hides unexpected errors behind a 500 without message or stack', async () => {
    const res = await request(app).get('/boom');
    expect(res.status).toBe(500);
    expect(res.body.code).toBe('INTERNAL');
    expect(JSON.stringify(res.body)).not.toContain('secret');
  });

  it('answers a path parameter that is not valid percent-encoding with 400, not 500', async () => {
    const res = await request(app).get('/items/%E0%A4%A');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('REQUEST.MALFORMED_URI');
  });

  it('relays a problem answered by another service as that service said it', async () => {
    const res = await request(app).get('/upstream');
    expect(res.status).toBe(402);
    expect(res.body.code).toBe('PAYMENT.DECLINED');
  });

  it('answers unknown routes 404 and keeps a sane request id', async () => {
    const res = await request(app).get('/nope').set('x-request-id', 'abc-123');
    expect(res.status).toBe(404);
    expect(res.headers['x-request-id']).toBe('abc-123');
    const spoof = await request(app).get('/nope').set('x-request-id', 'bad id with spaces');
    expect(spoof.headers['x-request-id']).not.toContain(' ');
  });

  it('reports readiness per dependency and 503 when one is down', async () => {
    expect((await request(app).get('/healthz')).status).toBe(200);
    const ready = await request(app).get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.checks).toEqual({ db: 'ok', broker: 'failed' });
  });
});

describe('rawBodyPaths', () => {
  const rawApp = createHttpApp({
    service: 'test',
    logger: createLogger('test', 'silent'),
    rawBodyPaths: ['/hooks'],
    routes: (a) => {
      a.post('/hooks/:p', (req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () =>
          res.json({ parsed: req.body !== undefined, bytes: Buffer.concat(chunks).toString('utf8') }),
        );
      });
      a.post('/other', (req, res) => void res.json({ parsed: req.body !== undefined }));
    },
  });

  it('leaves the body of a raw path (any spelling) unread, byte for byte', async () => {
    const pretty = '{\n  "id": "evt_1",\n  "type": "payment_intent.succeeded"\n}';
    for (const path of ['/hooks/stripe', '/HOOKS/stripe', '/hooks/stripe/']) {
      const res = await request(rawApp).post(path).set('content-type', 'application/json').send(pretty);
      expect(res.body).toEqual({ parsed: false, bytes: pretty });
    }
  });

  it('still parses every other path', async () => {
    const res = await request(rawApp).post('/other').set('content-type', 'application/json').send('{"a":1}');
    expect(res.body).toEqual({ parsed: true });
  });
});

describe('security headers', () => {
  it("sends exactly helmet's headers (no CSP) on every answer, a 404 included", async () => {
    const helmet = (await import('helmet')).default;
    const express = (await import('express')).default;
    const reference = express();
    reference.disable('x-powered-by');
    reference.use(helmet({ contentSecurityPolicy: false }));
    reference.get('/items/:id', (_req, res) => void res.json({}));
    const expected = (await request(reference).get('/items/1')).headers;
    const names = Object.keys(expected).filter(
      (h) => !['content-type', 'content-length', 'date', 'connection', 'etag'].includes(h),
    );
    expect(names.length).toBeGreaterThanOrEqual(10);
    for (const path of ['/items/1', '/nowhere']) {
      const res = await request(app).get(path);
      for (const name of names) expect([path, name, res.headers[name]]).toEqual([path, name, expected[name]]);
      expect(res.headers['content-security-policy']).toBeUndefined();
    }
  });
});
