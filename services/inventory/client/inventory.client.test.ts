import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sidecar } from '@dbcarts/dapr';
import { toProblem } from '@dbcarts/http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InventoryRefusal } from '../src/domain/outcome';
import { createInventoryClient } from './index';

// A stand-in for the caller's daprd on a real port: it records every request, so a test can say
// what reached "the sidecar" and answer the way daprd relays the inventory service and actor.

interface Hit {
  method: string;
  path: string;
  body: unknown;
}

let server: Server;
let hits: Hit[];
let answer: (hit: Hit) => { status: number; body: unknown } | undefined;
let sidecar: Sidecar;

beforeEach(async () => {
  hits = [];
  answer = () => ({ status: 500, body: { error: 'unexpected call' } });
  server = createServer(async (req: IncomingMessage, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const hit = { method: req.method ?? '', path: req.url ?? '', body: raw ? JSON.parse(raw) : undefined };
    hits.push(hit);
    const a = answer(hit);
    if (!a) return; // never answers: a stalled sidecar
    const problem = a.status >= 400 && typeof a.body === 'object' && a.body && 'code' in a.body;
    res.writeHead(a.status, { 'content-type': problem ? 'application/problem+json' : 'application/json' });
    res.end(JSON.stringify(a.body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  sidecar = new Sidecar({ host: '127.0.0.1', httpPort: (server.address() as AddressInfo).port });
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const invalidReserves: unknown[] = [
  { sku: 'SKU-1', reservationId: 'r1', quantity: -5 },
  { sku: 'SKU-1', reservationId: 'r1', quantity: 0 },
  { sku: 'SKU-1', reservationId: 'r1', quantity: 1.5 },
  { sku: 'SKU-1', reservationId: 'r1', quantity: '2' },
  { sku: 'SKU-1', reservationId: 'r1', quantity: 1e9 },
  { sku: 'not a sku', reservationId: 'r1', quantity: 1 },
  { sku: 'sku-lower', reservationId: 'r1', quantity: 1 },
  { sku: 'SKU-1', reservationId: 'has space', quantity: 1 },
  { sku: 'SKU-1', reservationId: 'r1', quantity: 1, customerId: 42 },
  { sku: 'SKU-1', reservationId: 'r1', quantity: 1, extra: true },
  { sku: 'SKU-1', quantity: 1 },
];

describe('inventory client: input is checked against the contract before it leaves the process', () => {
  for (const batching of [undefined, false] as const) {
    it(`never sends an invalid reservation to the sidecar (${batching === false ? 'unbatched' : 'batched'})`, async () => {
      const client = createInventoryClient(sidecar, batching === false ? { batching } : {});
      for (const req of invalidReserves) {
        const r = await client.reserve(req as never);
        expect(r).toMatchObject({ ok: false, code: 'REQUEST.INVALID', problem: { status: 400 } });
      }
      expect(hits).toEqual([]);
    });
  }

  it('never sends invalid stock, settle or flash-sale calls either: they throw a validation error', async () => {
    const client = createInventoryClient(sidecar);
    const calls: (() => Promise<unknown>)[] = [
      () => client.stock('not a sku'),
      () => client.setStock('SKU-1', -1),
      () => client.setStock('SKU-1', '5' as never),
      () => client.setStock('../admin', 5),
      () => client.restock('SKU-1', 'rs-1', -5),
      () => client.confirm('SKU-1', 'bad id!'),
      () => client.release('SKU/1', 'r1'),
      () => client.flashSale('sku lower'),
      () =>
        client.startFlashSale('SKU-1', {
          id: 'fs-1',
          price: { amount: 1, currency: 'USD' },
          startsAt: new Date().toISOString(),
          endsAt: new Date(Date.now() - 1000).toISOString(),
          quantity: 5,
          perCustomerLimit: 1,
        }),
    ];
    for (const call of calls) {
      const err = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(toProblem(err)).toMatchObject({ status: 400, code: 'REQUEST.INVALID' });
    }
    expect(hits).toEqual([]);
  });
});

describe('inventory client: unknown SKUs never reach an actor', () => {
  const outcome = { s: 'held', e: Date.now() + 60_000 };

  it('checks a SKU through the inventory service before its first direct actor call, then goes direct', async () => {
    answer = (hit) =>
      hit.path.endsWith('/reservations/batch')
        ? {
            status: 200,
            body: {
              outcomes: (hit.body as { items: { reservationId: string; quantity: number }[] }).items.map((i) => ({
                ok: true,
                replayed: false,
                reservation: { reservationId: i.reservationId, sku: 'SKU-1', quantity: i.quantity, status: 'held' },
              })),
            },
          }
        : { status: 200, body: { outcomes: (hit.body as { items: unknown[] }).items.map(() => outcome) } };
    const client = createInventoryClient(sidecar);
    expect(await client.reserve({ sku: 'SKU-1', reservationId: 'a', quantity: 1 })).toMatchObject({ ok: true });
    expect(await client.reserve({ sku: 'SKU-1', reservationId: 'b', quantity: 1 })).toMatchObject({
      ok: true,
      reservation: { reservationId: 'b', status: 'held' },
    });
    expect(hits.map((h) => h.path)).toEqual([
      '/v1.0/invoke/inventory/method/reservations/batch',
      '/v1.0/actors/InventoryItem/SKU-1/method/reserveBatch',
    ]);
  });

  it("answers an actor's refusal with the problem body the service gives for it, whatever the code", async () => {
    const refusals = [
      { c: 'FLASH_SALE.SOLD_OUT', m: 'SKU-1: 0 flash-sale units left', d: { sku: 'SKU-1', remaining: 0 } },
      { c: 'FLASH_SALE.LIMIT_EXCEEDED', m: 'limit reached', d: { sku: 'SKU-1', limit: 1, held: 1 } },
      { c: 'INVENTORY.BUSY', m: 'busy', d: { sku: 'SKU-1' } },
      { c: 'INVENTORY.INVALID_QUANTITY', m: 'bad quantity', d: {} },
    ];
    let n = 0;
    answer = (hit) =>
      hit.path.endsWith('/reservations/batch')
        ? {
            status: 200,
            body: {
              outcomes: [
                {
                  ok: true,
                  replayed: false,
                  reservation: { reservationId: 'w', sku: 'SKU-1', quantity: 1, status: 'held' },
                },
              ],
            },
          }
        : { status: 200, body: { outcomes: [refusals[n++]] } };
    const client = createInventoryClient(sidecar);
    await client.reserve({ sku: 'SKU-1', reservationId: 'w', quantity: 1 });
    for (const r of refusals) {
      const got = await client.reserve({ sku: 'SKU-1', reservationId: `r${n}`, quantity: 1 });
      expect(got).toEqual({ ok: false, code: r.c, problem: toProblem(new InventoryRefusal(r.c, r.m, r.d)) });
    }
  });

  it('answers INVENTORY.UNKNOWN_SKU to every caller, and remembers it: the next call does not leave the process', async () => {
    answer = () => ({
      status: 404,
      body: { type: 'x', title: 'x', status: 404, code: 'INVENTORY.UNKNOWN_SKU', sku: 'ZZ-NOPE-1' },
    });
    const client = createInventoryClient(sidecar);
    const first = await Promise.all(
      Array.from({ length: 10 }, (_, i) => client.reserve({ sku: 'ZZ-NOPE-1', reservationId: `r${i}`, quantity: 1 })),
    );
    for (const r of first)
      expect(r).toMatchObject({ ok: false, code: 'INVENTORY.UNKNOWN_SKU', problem: { status: 404 } });
    expect(hits).toHaveLength(1);
    expect(hits[0]?.path).toBe('/v1.0/invoke/inventory/method/reservations/batch');
    expect(await client.reserve({ sku: 'ZZ-NOPE-1', reservationId: 'again', quantity: 1 })).toMatchObject({
      ok: false,
      code: 'INVENTORY.UNKNOWN_SKU',
    });
    expect(hits).toHaveLength(1);
    expect(hits.some((h) => h.path.startsWith('/v1.0/actors/'))).toBe(false);
  });
});

describe('inventory client: bounded queues', () => {
  it('refuses reservations beyond its per-SKU queue bound with INVENTORY.BUSY (503), at once', async () => {
    answer = () => undefined; // the sidecar stalls: every call stays in flight
    const client = createInventoryClient(sidecar, {
      batching: { maxBatch: 2, maxPendingPerSku: 4, maxPending: 100, timeoutMs: 60_000 },
    });
    const held = Array.from({ length: 4 }, (_, i) =>
      client.reserve({ sku: 'SKU-1', reservationId: `h${i}`, quantity: 1 }),
    );
    for (const p of held) p.catch(() => undefined);
    const over = await client.reserve({ sku: 'SKU-1', reservationId: 'over', quantity: 1 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(toProblem(over)).toMatchObject({ status: 503, code: 'INVENTORY.BUSY' });
  });

  it('fails a batch that outlives its timeout as a transport failure (503), so callers retry with the same id', async () => {
    answer = () => undefined;
    const client = createInventoryClient(sidecar, { batching: { maxBatch: 10, timeoutMs: 100 } });
    const err = await client.reserve({ sku: 'SKU-1', reservationId: 'slow', quantity: 1 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(toProblem(err)).toMatchObject({ status: 503, code: 'DEPENDENCY.UNAVAILABLE' });
  });
});
