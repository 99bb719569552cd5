import { generateKeyPairSync } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createHttpApp } from '@dbcarts/http';
import { createLogger } from '@dbcarts/logging';
import { exportJWK, SignJWT } from 'jose';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { OpsBoard, type OpsBoardOptions } from '../app/ops-board';
import { OpsRecorder } from '../app/ops-recorder';
import { StreamTickets } from '../app/ops-ticket';
import { JwksTokenVerifier } from '../infra/jwks-token.verifier';
import { optionalAuthentication } from './auth.middleware';
import { OPS_STREAM_PATH, OPS_TICKETS_PATH, opsRecording, opsRoutes } from './ops.routes';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const token = (roles: string[]) =>
  new SignJWT({ roles, sid: 's1' })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' })
    .setSubject('u1')
    .setIssuer('iss')
    .setAudience('dbcarts-api')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(privateKey);

const closers: (() => void)[] = [];
afterEach(() => {
  for (const c of closers.splice(0)) c();
});

async function start(board: Partial<OpsBoardOptions> = {}) {
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
  const verifier = new JwksTokenVerifier({
    issuer: 'iss',
    audience: 'dbcarts-api',
    fetchJwks: async () => ({ keys: [jwk] }),
    refreshMs: 0,
  });
  let reads = 0;
  const ops = new OpsBoard({
    intervalMs: 40,
    heartbeatMs: 30,
    maxSubscribers: 2,
    read: async () => {
      reads++;
      return {
        sources: [],
        drops: [{ sku: 'SKU-1', quantity: 10, remaining: 10 - reads, endsAt: '2030-01-01T00:00:00Z' }],
        claimsBySku: new Map(),
        slowCheckouts: [],
      };
    },
    ...board,
  });
  const app = createHttpApp({
    service: 'gateway',
    logger: createLogger('test', 'silent'),
    routes: (a) => {
      a.use('/api', optionalAuthentication(verifier));
      a.use(opsRoutes({ board: ops, tickets: new StreamTickets('a-secret-of-sixteen+'), verifier }));
    },
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closers.push(() => {
    ops.close();
    server.closeAllConnections();
    server.close();
  });
  const ticket = async () => {
    const res = await fetch(base + OPS_TICKETS_PATH, {
      method: 'POST',
      headers: { authorization: `Bearer ${await token(['admin'])}` },
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { ticket: string }).ticket;
  };
  return { base, ops, ticket, reads: () => reads };
}

/** Reads a stream until `until` says enough (or 3 s): the text received. */
async function readUntil(res: Response, until: (text: string) => boolean): Promise<string> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + 3_000;
  while (!until(text) && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  reader.releaseLock();
  return text;
}

const events = (text: string, name: string) =>
  text
    .split('\n\n')
    .filter((e) => e.startsWith(`event: ${name}\n`))
    .map((e) => JSON.parse(e.slice(e.indexOf('data: ') + 6)));

describe('ops stream routes', () => {
  it('gives tickets to admins only', async () => {
    const { base } = await start();
    const none = await fetch(base + OPS_TICKETS_PATH, { method: 'POST' });
    expect(none.status).toBe(401);
    const customer = await fetch(base + OPS_TICKETS_PATH, {
      method: 'POST',
      headers: { authorization: `Bearer ${await token(['customer'])}` },
    });
    expect(customer.status).toBe(403);
    expect(customer.headers.get('content-type')).toContain('application/problem+json');
  });

  it('refuses a stream without a ticket, with a forged one, and with one already used', async () => {
    const { base, ticket } = await start();
    const missing = await fetch(base + OPS_STREAM_PATH);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect(((await missing.json()) as { code: string }).code).toBe('OPS.TICKET_REQUIRED');
    const t = await ticket();
    const forged = await fetch(`${base}${OPS_STREAM_PATH}?ticket=${t.slice(0, -2)}xx`);
    expect(((await forged.json()) as { code: string }).code).toBe('OPS.TICKET_INVALID');
    const ok = new AbortController();
    closers.push(() => ok.abort());
    expect((await fetch(`${base}${OPS_STREAM_PATH}?ticket=${t}`, { signal: ok.signal })).status).toBe(200);
    const again = await fetch(`${base}${OPS_STREAM_PATH}?ticket=${t}`);
    expect(again.status).toBe(401);
    // An access token in the query is not a ticket.
    const bearer = await fetch(`${base}${OPS_STREAM_PATH}?ticket=${await token(['admin'])}`);
    expect(bearer.status).toBe(401);
    // Any spelling of the route is the route (express matches case-insensitively): still guarded.
    expect((await fetch(`${base}/API/Admin/OPS/stream`)).status).toBe(401);
  });

  it('streams one snapshot per tick to every subscriber, computed once, with heartbeats', async () => {
    const { base, ops, ticket, reads } = await start();
    const a = new AbortController();
    const b = new AbortController();
    closers.push(
      () => a.abort(),
      () => b.abort(),
    );
    const [ra, rb] = await Promise.all([
      fetch(`${base}${OPS_STREAM_PATH}?ticket=${await ticket()}`, { signal: a.signal }),
      fetch(`${base}${OPS_STREAM_PATH}?ticket=${await ticket()}`, { signal: b.signal }),
    ]);
    expect(ra.headers.get('content-type')).toContain('text/event-stream');
    expect(ra.headers.get('cache-control')).toBe('no-store');
    const enough = (t: string) => events(t, 'snapshot').length >= 4 && t.includes(': heartbeat');
    const [ta, tb] = await Promise.all([readUntil(ra, enough), readUntil(rb, enough)]);
    expect(ta).toContain(': heartbeat\n\n');
    const sa = events(ta, 'snapshot');
    const sb = events(tb, 'snapshot');
    expect(sa.length).toBeGreaterThanOrEqual(4);
    expect(sa[0].drops[0].sku).toBe('SKU-1');
    // Both saw the same snapshots (same `at`), and the board read its sources once per tick, not per subscriber.
    const common = sa
      .map((s: { at: string }) => s.at)
      .filter((at: string) => sb.some((s: { at: string }) => s.at === at));
    expect(common.length).toBeGreaterThanOrEqual(3);
    expect(reads()).toBe(ops.ticks);
  });

  it('answers 429 OPS.STREAM_FULL beyond the cap, and frees the place when a client goes away', async () => {
    const { base, ops, ticket } = await start();
    const controllers = [new AbortController(), new AbortController()];
    closers.push(() => {
      for (const c of controllers) c.abort();
    });
    for (const c of controllers)
      expect((await fetch(`${base}${OPS_STREAM_PATH}?ticket=${await ticket()}`, { signal: c.signal })).status).toBe(
        200,
      );
    expect(ops.size).toBe(2);
    const third = await fetch(`${base}${OPS_STREAM_PATH}?ticket=${await ticket()}`);
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('5');
    expect(((await third.json()) as { code: string }).code).toBe('OPS.STREAM_FULL');
    controllers[0]?.abort();
    const until = Date.now() + 2_000;
    while (ops.size !== 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(ops.size).toBe(1);
    const fourth = new AbortController();
    closers.push(() => fourth.abort());
    expect((await fetch(`${base}${OPS_STREAM_PATH}?ticket=${await ticket()}`, { signal: fourth.signal })).status).toBe(
      200,
    );
  });

  it('stops ticking when nobody watches, and ends every stream with `bye` on shutdown', async () => {
    const { base, ops, ticket, reads } = await start();
    const res = await fetch(`${base}${OPS_STREAM_PATH}?ticket=${await ticket()}`);
    await readUntil(res, (t) => events(t, 'snapshot').length >= 1);
    ops.close();
    const rest = await readUntil(res, () => false); // returns when the server ends the stream
    expect(events(rest, 'bye')).toEqual([{ reason: 'shutting down' }]);
    const n = reads();
    await new Promise((r) => setTimeout(r, 150));
    expect(reads()).toBe(n);
    expect((await fetch(`${base}${OPS_STREAM_PATH}?ticket=${await ticket()}`)).status).toBe(429);
  });
});

describe('shutdown', () => {
  it('ends open streams with `bye` at the first tick once the gateway is shutting down, and refuses new ones', async () => {
    let shuttingDown = false;
    const { base, ticket } = await start({ closing: () => shuttingDown });
    const res = await fetch(`${base}${OPS_STREAM_PATH}?ticket=${await ticket()}`);
    await readUntil(res, (t) => events(t, 'snapshot').length >= 1);
    shuttingDown = true;
    const started = Date.now();
    const rest = await readUntil(res, () => false);
    expect(events(rest, 'bye')).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(1_000); // a tick is 40 ms here
  });
});

describe('opsRecording', () => {
  it('counts successful claims per SKU in any spelling express routes, never replays or refusals, and times checkouts with their trace id', async () => {
    const recorder = new OpsRecorder();
    const app = createHttpApp({
      service: 'gateway',
      logger: createLogger('test', 'silent'),
      routes: (a) => {
        a.use(opsRecording(recorder));
        a.post('/api/flash-sales/:sku/claims', (req, res) => {
          if (req.query.replay) res.setHeader('idempotent-replayed', 'true');
          res.status(req.query.refuse ? 409 : 201).json({});
        });
        a.post('/api/orders', (_req, res) => void setTimeout(() => res.status(201).json({}), 30));
      },
    });
    await request(app).post('/api/flash-sales/SKU-1/claims');
    await request(app).post('/API/Flash-Sales/SKU-1/claims/');
    await request(app).post('/api/flash-sales/SKU%2D2/claims');
    await request(app).post('/api/flash-sales/SKU-1/claims?replay=1');
    await request(app).post('/api/flash-sales/SKU-3/claims?refuse=1');
    await request(app).get('/api/flash-sales/SKU-4/claims');
    expect([...recorder.claimsBySku]).toEqual([
      ['SKU-1', 2],
      ['SKU-2', 1],
    ]);
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await request(app).post('/api/orders').set('traceparent', `00-${traceId}-00f067aa0ba902b7-01`);
    const [slow] = recorder.slowest();
    expect(slow).toMatchObject({ status: 201, traceId });
    expect(slow?.durationMs).toBeGreaterThanOrEqual(25);
  });
});
