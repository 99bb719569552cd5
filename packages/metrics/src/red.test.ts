import type { AddressInfo } from 'node:net';
import express, { Router } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { red, redMetrics, statusClass, UNMATCHED } from './red';
import { MAX_ROUTES, OVERFLOW, RedSeries } from './red-series';
import { registry, setServiceLabel } from './registry';
import { startMetricsServer } from './server';

const app = express();
app.use(redMetrics());
app.get('/items/:id', (_req, res) => void res.json({}));
const sub = Router();
sub.post('/orders/:id/cancel', (_req, res) => void res.status(409).json({}));
app.use('/api', sub);
app.get('/boom', () => {
  throw new Error('boom');
});
app.use((_req, res) => void res.status(404).end());
app.use((_err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
  res.status(500).end();
});

/** The count of one series, read back from the store the scrape formats. */
function count(method: string, route: string, cls: string): number {
  for (const s of red.series())
    if (s.labels.method === method && s.labels.route === route && s.labels.status_class === cls) return s.count;
  return 0;
}

describe('RED middleware', () => {
  it('labels by the route template, never the raw path', async () => {
    const before = count('GET', '/items/:id', '2xx');
    await request(app).get('/items/1').expect(200);
    await request(app).get('/items/2').expect(200);
    expect(count('GET', '/items/:id', '2xx')).toBe(before + 2);
    expect([...red.series()].some((s) => s.labels.route.includes('/items/1'))).toBe(false);
  });

  it('includes the prefix of a router mounted under one', async () => {
    const before = count('POST', '/api/orders/:id/cancel', '4xx');
    await request(app).post('/api/orders/o-1/cancel').expect(409);
    expect(count('POST', '/api/orders/:id/cancel', '4xx')).toBe(before + 1);
  });

  it('counts a request no route matched as unmatched, and 5xx by class', async () => {
    const before = count('GET', UNMATCHED, '4xx');
    const boom = count('GET', '/boom', '5xx');
    await request(app).get('/nope/x').expect(404);
    await request(app).get('/boom').expect(500);
    expect(count('GET', UNMATCHED, '4xx')).toBe(before + 1);
    expect(count('GET', '/boom', '5xx')).toBe(boom + 1);
  });

  it('keeps the series bounded under a fuzzer: 300 random paths and methods add at most a few', async () => {
    const series = () => [...red.series()].length;
    const before = series();
    for (let i = 0; i < 300; i++) {
      const path = `/${Math.random().toString(36).slice(2)}/${i}?q=${i}`;
      await (i % 3 ? request(app).get(path) : request(app).delete(path));
    }
    // unmatched × {GET, DELETE} × 4xx at most.
    expect(series() - before).toBeLessThanOrEqual(2);
  });

  it('maps statuses to classes', () => {
    expect([statusClass(101), statusClass(204), statusClass(302), statusClass(429), statusClass(503)]).toEqual([
      '1xx',
      '2xx',
      '3xx',
      '4xx',
      '5xx',
    ]);
    expect(statusClass(999)).toBe('other');
  });
});

describe('metrics listener', () => {
  let base = '';
  let close: () => void;
  beforeAll(async () => {
    setServiceLabel('unit');
    const server = await startMetricsServer(0);
    close = () => server.close();
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => close());

  it('serves the registry in Prometheus text format on GET /metrics, with the service label', async () => {
    await request(app).get('/items/9').expect(200);
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(registry.contentType);
    const text = await res.text();
    expect(text).toMatch(
      /^dbcarts_http_server_requests_total\{method="GET",route="\/items\/:id",status_class="2xx",service="unit"\} \d+$/m,
    );
    expect(text).toMatch(
      /^dbcarts_http_server_request_duration_seconds_bucket\{.*route="\/items\/:id".*le="\+Inf".*\} \d+$/m,
    );
    expect(text).toMatch(/^process_cpu_user_seconds_total\{service="unit"\} /m);
  });

  it('answers nothing else', async () => {
    expect((await fetch(`${base}/`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(404);
  });
});

describe('RedSeries', () => {
  it('keeps at most MAX_ROUTES route labels; any further route is counted as overflow', () => {
    const s = new RedSeries('test_overflow_total', 'test_overflow_seconds');
    for (let i = 0; i < MAX_ROUTES + 100; i++) s.record('GET', `/r/${i}`, '2xx', 0.001);
    const series = [...s.series()];
    expect(series).toHaveLength(MAX_ROUTES + 1);
    expect(series.find((x) => x.labels.route === OVERFLOW)?.count).toBe(100);
  });
});
