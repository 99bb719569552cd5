import { createLogger } from '@dbcarts/logging';
import type { Request, Response } from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createHttpApp } from './app';

const DEADLINE_MS = 300;
const never = new Promise<never>(() => undefined);
const later = (ms: number) => new Promise((r) => setTimeout(r, ms));
const lateAnswers: string[] = [];

const app = createHttpApp({
  service: 'test',
  logger: createLogger('test', 'silent'),
  requestDeadlineMs: DEADLINE_MS,
  routes: (a) => {
    a.get('/stalled', async () => {
      await never;
    });
    a.get('/fast', (_req, res) => {
      res.json({ ok: true });
    });
    // Answers after the deadline, through express and through the raw response (like passThrough).
    a.get('/late-json', async (_req: Request, res: Response) => {
      await later(DEADLINE_MS + 150);
      res.status(200).json({ late: true });
      lateAnswers.push('json');
    });
    a.get('/late-raw', async (_req: Request, res: Response) => {
      await later(DEADLINE_MS + 150);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('late');
      res.end();
      lateAnswers.push('raw');
    });
    a.get('/late-error', async () => {
      await later(DEADLINE_MS + 150);
      throw new Error('failed after the deadline');
    });
    // Dapr's callbacks: an actor turn must keep the sidecar's lock until it really ends.
    a.get('/actors/Item/a/method/slow', async (_req, res) => {
      await later(DEADLINE_MS + 200);
      res.json({ turn: 'done' });
    });
  },
});

describe('per-request deadline', () => {
  it('answers 503 problem+json with Retry-After, a stable code and the request id when a handler overruns', async () => {
    const started = Date.now();
    const res = await request(app).get('/stalled').set('x-request-id', 'stall-1');
    expect(Date.now() - started).toBeLessThan(DEADLINE_MS + 2000); // slack: two shared cores
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.body).toMatchObject({ code: 'SERVICE.DEADLINE_EXCEEDED', status: 503, requestId: 'stall-1' });
  });

  it('drops the late answer quietly: no second answer, no crash, the process keeps serving', async () => {
    for (const path of ['/late-json', '/late-raw', '/late-error']) {
      const res = await request(app).get(path);
      expect(res.status).toBe(503);
      expect(res.text).not.toContain('late');
    }
    await later(300); // the late handlers finish now
    expect(lateAnswers.sort()).toEqual(['json', 'raw']);
    expect((await request(app).get('/fast')).status).toBe(200);
  });

  it('leaves requests that finish in time alone', async () => {
    const res = await request(app).get('/fast');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
  });

  it("does not cut the sidecar's actor callbacks short (the turn holds the actor's lock)", async () => {
    const res = await request(app).get('/actors/Item/a/method/slow');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ turn: 'done' });
  });
});
