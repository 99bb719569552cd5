import { startStack, TEST_ADMIN, type TestStack } from '@dbcarts/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInventoryClient } from '../client';

// What reaches a SKU's actor is checked, whoever sends it: a SKU the catalog does not know never
// activates an actor (public API, admin API, the batching client's direct actor path), and a raw
// actor call with a nonsense quantity changes nothing that is stored.

const UNKNOWN_TTL_MS = 1000;
let stack: TestStack;
let gw: string;
let admin: string;

beforeAll(async () => {
  stack = await startStack({
    apps: ['users', 'catalog', 'inventory', 'gateway'],
    appEnv: { inventory: { SKU_UNKNOWN_TTL_MS: String(UNKNOWN_TTL_MS) } },
  });
  gw = stack.appUrl('gateway');
  admin = (await call('POST', '/api/auth/login', TEST_ADMIN)).body.accessToken;
});
afterAll(() => stack?.stop());

async function call(method: string, path: string, body?: unknown, token?: string) {
  const res = await fetch(`${gw}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    // biome-ignore lint/suspicious/noExplicitAny: test responses are inspected field by field
    body: (text ? JSON.parse(text) : {}) as any,
  };
}

async function createProduct(sku: string): Promise<void> {
  const product = { sku, name: 'Guard kite', category: 'toys', price: { amount: 1500, currency: 'USD' } };
  expect((await call('POST', '/api/products', product, admin)).status).toBe(201);
}

/** Active InventoryItem actors on the inventory sidecar, from the Dapr metadata API. */
async function activeInventoryActors(): Promise<number> {
  const res = await fetch(`${stack.sidecar('inventory').baseUrl}/v1.0/metadata`);
  const meta = (await res.json()) as {
    actorRuntime?: { activeActors?: { type: string; count: number }[] };
    actors?: { type: string; count: number }[];
  };
  const list = meta.actorRuntime?.activeActors ?? meta.actors ?? [];
  return list.find((a) => a.type === 'InventoryItem')?.count ?? 0;
}

async function withRedis<T>(fn: (r: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis({ host: '127.0.0.1', port: 6379, db: stack.redisDb });
  try {
    return await fn(redis);
  } finally {
    redis.disconnect();
  }
}

/** Every actor state key stored for a SKU (none for a SKU that was never stocked). */
const storedKeys = (sku: string) => withRedis((r) => r.keys(`inventory||InventoryItem||${sku}||*`));

async function storedMeta(sku: string): Promise<{ onHand: number; reserved: number; chunks: string[] }> {
  const raw = await withRedis((r) => r.hget(`inventory||InventoryItem||${sku}||meta`, 'data'));
  if (!raw) throw new Error(`no stored meta for ${sku}`);
  const parsed = JSON.parse(raw);
  return typeof parsed === 'string' ? JSON.parse(parsed) : parsed;
}

async function storedReservationIds(sku: string): Promise<string[]> {
  const meta = await storedMeta(sku);
  const ids: string[] = [];
  for (const chunk of meta.chunks) {
    const raw = await withRedis((r) => r.hget(`inventory||InventoryItem||${sku}||${chunk}`, 'data'));
    const parsed = raw ? JSON.parse(raw) : {};
    ids.push(...Object.keys(typeof parsed === 'string' ? JSON.parse(parsed) : parsed));
  }
  return ids.sort();
}

const sale = (sku: string) => ({
  sku,
  price: { amount: 500, currency: 'USD' },
  startsAt: new Date(Date.now() - 1000).toISOString(),
  endsAt: new Date(Date.now() + 60_000).toISOString(),
  quantity: 5,
  perCustomerLimit: 1,
});

describe('INVENTORY.UNKNOWN_SKU: a SKU the catalog does not know', () => {
  it('answers 404 with that code on GET, PUT, flash-sale and reserve, and activates no actor', async () => {
    // A known SKU first, so the actor runtime is up and counting.
    const known = stack.uniqueId('KNOWN');
    await createProduct(known);
    expect((await call('PUT', `/api/inventory/${known}`, { onHand: 5 }, admin)).status).toBe(200);
    const before = await activeInventoryActors();
    expect(before).toBeGreaterThanOrEqual(1);

    const nope = (n: number) => `ZZ-NOPE-${stack.runId.toUpperCase()}-${n}`;
    const get = await call('GET', `/api/inventory/${nope(1)}`);
    expect(get.status).toBe(404);
    expect(get.type).toContain('application/problem+json');
    expect(get.body).toMatchObject({ status: 404, code: 'INVENTORY.UNKNOWN_SKU' });
    // Asked again (now from the negative cache): the same answer.
    expect((await call('GET', `/api/inventory/${nope(1)}`)).body.code).toBe('INVENTORY.UNKNOWN_SKU');

    const put = await call('PUT', `/api/inventory/${nope(2)}`, { onHand: 10 }, admin);
    expect(put).toMatchObject({ status: 404, body: { code: 'INVENTORY.UNKNOWN_SKU' } });
    const flash = await call('POST', '/api/flash-sales', sale(nope(3)), admin);
    expect(flash).toMatchObject({ status: 404, body: { code: 'INVENTORY.UNKNOWN_SKU' } });

    // Reserve as the gateway (or orders) would: the batching client through the caller's sidecar,
    // whose normal path goes straight to the SKU's actor, and the unbatched client.
    const batched = createInventoryClient(stack.sidecar('gateway'));
    const single = createInventoryClient(stack.sidecar('gateway'), { batching: false });
    const many = await Promise.all(
      Array.from({ length: 20 }, (_, i) => batched.reserve({ sku: nope(4), reservationId: `r-${i}`, quantity: 1 })),
    );
    for (const r of many) {
      expect(r).toMatchObject({ ok: false, code: 'INVENTORY.UNKNOWN_SKU', problem: { status: 404 } });
    }
    expect(await batched.reserve({ sku: nope(4), reservationId: 'again', quantity: 1 })).toMatchObject({
      ok: false,
      code: 'INVENTORY.UNKNOWN_SKU',
    });
    expect(await single.reserve({ sku: nope(5), reservationId: 'r', quantity: 1 })).toMatchObject({
      ok: false,
      code: 'INVENTORY.UNKNOWN_SKU',
      problem: { status: 404 },
    });
    await expect(batched.confirm(nope(6), 'r')).rejects.toMatchObject({
      problem: { status: 404, code: 'INVENTORY.UNKNOWN_SKU' },
    });
    await expect(batched.release(nope(6), 'r')).rejects.toMatchObject({
      problem: { status: 404, code: 'INVENTORY.UNKNOWN_SKU' },
    });

    expect(await activeInventoryActors()).toBe(before);
    for (let n = 1; n <= 6; n++) expect(await storedKeys(nope(n))).toEqual([]);

    // The known SKU is served as before, on every path.
    expect((await call('GET', `/api/inventory/${known}`)).body).toEqual({
      sku: known,
      onHand: 5,
      reserved: 0,
      available: 5,
    });
    expect(await batched.reserve({ sku: known, reservationId: 'k-1', quantity: 2 })).toMatchObject({ ok: true });
    expect(await batched.reserve({ sku: known, reservationId: 'k-2', quantity: 1 })).toMatchObject({ ok: true });
    expect(await single.reserve({ sku: known, reservationId: 'k-3', quantity: 1 })).toMatchObject({ ok: true });
    expect((await call('POST', '/api/flash-sales', sale(known), admin)).status).toBe(201);
    expect(await storedMeta(known)).toMatchObject({ onHand: 5, reserved: 4 });
  });

  it('serves a SKU refused a moment ago once the catalog has it (a refusal is remembered only briefly)', async () => {
    const sku = stack.uniqueId('LATE');
    expect((await call('GET', `/api/inventory/${sku}`)).status).toBe(404);
    await createProduct(sku);
    const deadline = Date.now() + UNKNOWN_TTL_MS + 5_000;
    let status = 404;
    while (status === 404 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      status = (await call('PUT', `/api/inventory/${sku}`, { onHand: 3 }, admin)).status;
    }
    expect(status).toBe(200);
    expect((await call('GET', `/api/inventory/${sku}`)).body).toMatchObject({ onHand: 3, available: 3 });
  });
});

describe('the actor refuses nonsense, whoever calls it', () => {
  it('a raw actor call with a quantity of -5, a string or a fraction changes nothing that is stored', async () => {
    const sku = stack.uniqueId('RAW');
    await createProduct(sku);
    const inventory = createInventoryClient(stack.sidecar('inventory'));
    await inventory.setStock(sku, 10);
    expect(await inventory.reserve({ sku, reservationId: 'held', quantity: 4 })).toMatchObject({ ok: true });
    const before = await storedMeta(sku);
    expect(before).toMatchObject({ onHand: 10, reserved: 4 });

    // Straight to the actor API of a sidecar: no client, no HTTP schema in between.
    const raw = stack.sidecar('inventory');
    const answer = await raw.invokeActor<{ outcomes: { c?: string }[] }>('InventoryItem', sku, 'reserveBatch', {
      items: [
        { reservationId: 'neg', quantity: -5 },
        { reservationId: 'str', quantity: '2' },
        { reservationId: 'frac', quantity: 0.5 },
        { reservationId: 'bad id!', quantity: 1 },
      ],
    });
    expect(answer.outcomes.map((o) => o.c)).toEqual([
      'INVENTORY.INVALID_QUANTITY',
      'INVENTORY.INVALID_QUANTITY',
      'INVENTORY.INVALID_QUANTITY',
      'INVENTORY.INVALID_ID',
    ]);
    const setNegative = await raw.invokeActor<{ ok: boolean; error?: { code: string } }>(
      'InventoryItem',
      sku,
      'setOnHand',
      { onHand: -1 },
    );
    expect(setNegative).toMatchObject({ ok: false, error: { code: 'INVENTORY.INVALID_QUANTITY' } });
    const restockNegative = await raw.invokeActor<{ ok: boolean; error?: { code: string } }>(
      'InventoryItem',
      sku,
      'restock',
      { restockId: 'rs-neg', quantity: -5 },
    );
    expect(restockNegative).toMatchObject({ ok: false, error: { code: 'INVENTORY.INVALID_QUANTITY' } });

    const after = await storedMeta(sku);
    expect(after).toMatchObject({ onHand: 10, reserved: 4 });
    expect(after).toEqual(before);
    expect(await storedReservationIds(sku)).toEqual(['held']);
    expect(await inventory.stock(sku)).toEqual({ sku, onHand: 10, reserved: 4, available: 6 });
  });
});
