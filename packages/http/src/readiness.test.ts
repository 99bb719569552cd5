import { createLogger, currentRequestContext } from '@dbcarts/logging';
import request from 'supertest';
import { describe, expect, it, vi } from 'vitest';
import { createHttpApp } from './app';

// What the service logs, with the request id each line would carry.
const lines: string[] = [];
const logger = createLogger('test', 'silent');
for (const level of ['info', 'warn', 'error'] as const) {
  vi.spyOn(logger, level).mockImplementation(((...args: unknown[]) => {
    lines.push(`${currentRequestContext()?.requestId} ${JSON.stringify(args, errorFields)}`);
  }) as never);
}
function errorFields(_k: string, v: unknown) {
  return v instanceof Error ? { message: v.message } : v;
}

const app = createHttpApp({
  service: 'test',
  logger,
  readinessTimeoutMs: 200,
  readiness: {
    database: async () => {},
    sidecar: async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:3511 (dapr outbound)');
    },
    cache: () => new Promise<void>(() => undefined), // stalled: never settles
  },
  routes: () => undefined,
});

describe('/readyz', () => {
  it('names each check with ok/failed only; the reasons go to the log, not the public body', async () => {
    const started = Date.now();
    const res = await request(app).get('/readyz').set('x-request-id', 'ready-1');
    expect(Date.now() - started).toBeLessThan(3000); // slack: two shared cores
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      status: 'not_ready',
      checks: { database: 'ok', sidecar: 'failed', cache: 'failed' },
    });
    expect(JSON.stringify(res.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|3511|dapr/);
    const logged = lines.join('');
    expect(logged).toContain('ECONNREFUSED 127.0.0.1:3511');
    expect(logged).toContain('ready-1');
  });
});

describe('/readyz while shutting down and degraded', () => {
  const build = () =>
    createHttpApp({
      service: 'test',
      logger,
      readiness: { database: async () => {}, upstream: async () => 'degraded' as const },
      routes: () => undefined,
    });

  it('a degraded dependency is reported but keeps the instance ready', async () => {
    const res = await request(build()).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', checks: { database: 'ok', upstream: 'degraded' } });
  });

  it('answers 503 shutting_down once shutdown began, without running the checks; /healthz stays 200', async () => {
    const app = build();
    app.locals.shuttingDown = true;
    const res = await request(app).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: 'shutting_down', checks: {} });
    expect((await request(app).get('/healthz')).status).toBe(200);
  });
});
