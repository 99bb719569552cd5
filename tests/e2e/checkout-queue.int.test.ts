import { randomUUID } from 'node:crypto';
import { startStack, TEST_ADMIN, type TestStack } from '@dbcarts/testing';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, apiCaller, newCustomer, orderBody, startDrop } from '../support/api';

// The checkout queue of a drop through the gateway, on real sidecars: two checkouts in flight per
// gateway (CHECKOUT_CONCURRENCY), a waiting request answered 202 after 300 ms. Order and outcomes
// are read back from the orders database, not only from the answers.
const CONCURRENCY = 2;
let stack: TestStack;
let api: Api;
let admin: string;
let db: mysql.Connection;
let skus: string[];

beforeAll(async () => {
  stack = await startStack({
    apps: ['users', 'catalog', 'inventory', 'payments', 'promotions', 'orders', 'gateway'],
    appEnv: {
      catalog: { SEED_CATALOG_PRODUCTS: '10' },
      // Claims lapse after 2 s here: an order waiting longer in the queue keeps its claim only
      // because the queue renews it (every 500 ms).
      inventory: { RESERVATION_HOLD_MS: '2000' },
      payments: { PAYMENT_PROVIDER_TIMEOUT_MS: '3000' },
      gateway: {
        RATE_LIMIT_PER_MINUTE: '1000000',
        REGISTRATIONS_PER_IP_PER_HOUR: '1000',
        CHECKOUT_CONCURRENCY: String(CONCURRENCY),
        CHECKOUT_SYNC_WAIT_MS: '300',
        CHECKOUT_CLAIM_RENEW_MS: '500',
      },
    },
  });
  api = apiCaller(stack.appUrl('gateway'));
  admin = (await api('POST', '/api/auth/login', TEST_ADMIN)).body.accessToken;
  skus = ((await api('GET', '/api/products?pageSize=4&sort=name')).body.items as { sku: string }[]).map((p) => p.sku);
  for (const sku of skus) expect((await api('PUT', `/api/inventory/${sku}`, { onHand: 1000 }, admin)).status).toBe(200);
  db = await mysql.createConnection(process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306');
}, 240_000);
afterAll(async () => {
  await db?.end();
  await stack?.stop();
});

const place = (token: string, body: unknown, key = randomUUID()) =>
  api('POST', '/api/orders', body, token, { 'idempotency-key': key });

/** Polls a 202's status URL until it says where the order is (303) or how it failed. */
async function settle(token: string, location: string) {
  for (;;) {
    const res = await fetch(`${stack.appUrl('gateway')}${location}`, {
      headers: { authorization: `Bearer ${token}` },
      redirect: 'manual',
    });
    if (res.status !== 202)
      return { status: res.status, location: res.headers.get('location'), text: await res.text() };
    const body = (await res.json()) as { position: number; estimatedWaitSeconds: number };
    expect(body.position).toBeGreaterThanOrEqual(0);
    expect(body.estimatedWaitSeconds).toBeGreaterThanOrEqual(0);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the checkout queue', () => {
  it('a 10x burst: every request answered (201 or 202, no timeout, no 5xx), admitted first come first served', async () => {
    const customers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => newCustomer(api, `q${i}-${randomUUID().slice(0, 6)}`)),
    );
    // 40 orders sent 10 ms apart: the order they were sent in is the order they arrive in.
    const sent: { token: string; key: string; rank: number }[] = [];
    const answers = await Promise.all(
      Array.from({ length: 40 }, async (_, rank) => {
        await new Promise((r) => setTimeout(r, rank * 10));
        const token = (customers[rank % customers.length] as { token: string }).token;
        const key = `burst-${rank}-${randomUUID()}`;
        sent.push({ token, key, rank });
        const res = await place(token, orderBody([{ sku: skus[rank % 2], quantity: 1 }]), key);
        return { res, token, key, rank };
      }),
    );
    const statuses = answers.map((a) => a.res.status);
    expect(statuses.every((s) => s === 201 || s === 202)).toBe(true);
    expect(statuses.filter((s) => s === 202).length).toBeGreaterThan(10); // the queue was used
    const ids = new Map<number, string>();
    for (const a of answers) {
      if (a.res.status === 201) {
        ids.set(a.rank, a.res.body.id);
        continue;
      }
      expect(a.res.body.position).toBeGreaterThanOrEqual(0); // 0: admitted, being placed
      const location = a.res.headers.get('location') as string;
      expect(location).toBe(`/api/checkout-queue/${a.res.body.ticket}`);
      const done = await settle(a.token, location);
      expect(done.status).toBe(303);
      ids.set(a.rank, (done.location as string).split('/').pop() as string);
    }
    const [rows] = await db.query(
      `SELECT id, status FROM \`${stack.database('orders')}\`.orders WHERE id IN (?) ORDER BY created_at, id`,
      [[...ids.values()]],
    );
    const placed = rows as { id: string; status: string }[];
    expect(placed).toHaveLength(40);
    expect(placed.every((o) => o.status === 'confirmed')).toBe(true);
    // First come, first served within the slots in flight: an order starts at most CONCURRENCY
    // places from where it arrived (two in flight may finish their first step in either order).
    const rankOf = new Map([...ids].map(([rank, id]) => [id, rank]));
    const displacement = placed.map((o, i) => Math.abs(i - (rankOf.get(o.id) as number)));
    expect(Math.max(...displacement)).toBeLessThanOrEqual(CONCURRENCY + 1);
  }, 180_000);

  it('an order holding a claim keeps it while it waits longer than the hold time', async () => {
    const sku = skus[3] as string;
    await startDrop(api, admin, sku, 5, 1);
    // Everyone signs up first: the claim's hold time starts when it is made, just before the orders.
    const [buyer, ...blockers] = await Promise.all(
      ['qclaim', 'qb1', 'qb2'].map((tag) => newCustomer(api, `${tag}-${randomUUID().slice(0, 6)}`)),
    );
    const claim = await api('POST', `/api/flash-sales/${sku}/claims`, { quantity: 1 }, buyer.token, {
      'idempotency-key': randomUUID(),
    });
    expect(claim.status).toBe(201);
    // Two checkouts whose provider never answers hold both slots for 3 s (then fail, 503).
    const blocking = blockers.map((b) =>
      place(b.token, orderBody([{ sku: skus[0], quantity: 1 }], { token: 'tok_timeout' })),
    );
    // Both blockers in flight: the claim order then waits ~2.4 s in the queue, past its 2 s hold.
    await new Promise((r) => setTimeout(r, 600));
    const queued = await place(buyer.token, orderBody([{ sku, quantity: 1, claimId: claim.body.claimId }]));
    expect(queued.status).toBe(202);
    const done = await settle(buyer.token, queued.headers.get('location') as string);
    expect(done.status).toBe(303); // placed after ~2.4 s in the queue, past the claim's hold time
    const order = await api('GET', done.location as string, undefined, buyer.token);
    expect(order.body).toMatchObject({ status: 'confirmed', total: { amount: 990, currency: 'USD' } });
    expect((await api('GET', `/api/inventory/${sku}`)).body).toMatchObject({ onHand: 999, reserved: 0 });
    // The blockers failed (their provider never answered): directly, or through their status URL.
    for (const [i, b] of (await Promise.all(blocking)).entries()) {
      const status =
        b.status === 202
          ? (await settle((blockers[i] as { token: string }).token, b.headers.get('location') as string)).status
          : b.status;
      expect(status).toBe(503);
    }
  }, 60_000);

  it('a ticket is its owner’s: another customer, or a made-up ticket, gets 404', async () => {
    const a = await newCustomer(api, `qa-${randomUUID().slice(0, 6)}`);
    const b = await newCustomer(api, `qb-${randomUUID().slice(0, 6)}`);
    const key = randomUUID();
    const placed = await place(a.token, orderBody([{ sku: skus[1], quantity: 1 }]), key);
    expect(placed.status).toBe(201);
    const ticket = Buffer.from(key).toString('base64url');
    const mine = await fetch(`${stack.appUrl('gateway')}/api/checkout-queue/${ticket}`, {
      headers: { authorization: `Bearer ${a.token}` },
      redirect: 'manual',
    });
    expect(mine.status).toBe(303);
    expect(mine.headers.get('location')).toBe(`/api/orders/${placed.body.id}`);
    expect((await api('GET', `/api/checkout-queue/${ticket}`, undefined, b.token)).body.code).toBe(
      'CHECKOUT.TICKET_NOT_FOUND',
    );
    expect((await api('GET', '/api/checkout-queue/%2E%2E', undefined, a.token)).status).toBe(404);
  });
});
