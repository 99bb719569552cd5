import { randomUUID } from 'node:crypto';
import { startStack, TEST_ADMIN, type TestStack } from '@dbcarts/testing';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, apiCaller, newCustomer, orderBody } from '../support/api';

// Promotions in the checkout saga, through the gateway on real sidecars: the discount is reserved
// after the stock (at the final prices), spent before the order is confirmed, and given back when
// the order fails or is cancelled. Caps are checked from the stored orders, not only the answers.
let stack: TestStack;
let api: Api;
let admin: string;
let db: mysql.Connection;
let products: { sku: string; category: string; price: { amount: number } }[];

beforeAll(async () => {
  stack = await startStack({
    apps: ['users', 'catalog', 'inventory', 'payments', 'promotions', 'orders', 'gateway'],
    appEnv: {
      catalog: { SEED_CATALOG_PRODUCTS: '12' },
      gateway: {
        RATE_LIMIT_PER_MINUTE: '1000000',
        REGISTRATIONS_PER_IP_PER_HOUR: '1000',
        LOGIN_ATTEMPTS_PER_IP_PER_MINUTE: '100000',
        CHECKOUT_SYNC_WAIT_MS: '7000',
      },
    },
  });
  api = apiCaller(stack.appUrl('gateway'));
  admin = (await api('POST', '/api/auth/login', TEST_ADMIN)).body.accessToken;
  products = (await api('GET', '/api/products?pageSize=12&sort=name')).body.items;
  for (const p of products)
    expect((await api('PUT', `/api/inventory/${p.sku}`, { onHand: 1000 }, admin)).status).toBe(200);
  db = await mysql.createConnection(process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306');
}, 240_000);
afterAll(async () => {
  await db?.end();
  await stack?.stop();
});

const order = (items: object[], couponCode?: string) => orderBody(items, { couponCode });
const place = (token: string, body: unknown) =>
  api('POST', '/api/orders', body, token, { 'idempotency-key': randomUUID() });
const coupon = async (body: object) => {
  const created = await api('POST', '/api/promotions', { kind: 'percent', value: 10, ...body }, admin);
  expect(created.status).toBe(201);
  return created.body;
};
const stockOf = async (sku: string) => (await api('GET', `/api/inventory/${sku}`)).body;
/** Registered customers, three at a time: the users service hashes a couple at once and says BUSY beyond. */
async function customers(n: number, tag: string) {
  const made: Awaited<ReturnType<typeof newCustomer>>[] = [];
  for (let i = 0; i < n; i += 3) {
    const batch = Array.from({ length: Math.min(3, n - i) }, (_, j) =>
      newCustomer(api, `${tag}${i + j}-${randomUUID().slice(0, 6)}`),
    );
    made.push(...(await Promise.all(batch)));
  }
  return made;
}

describe('promotions at checkout', () => {
  it('a coupon lowers the total and the authorization; an unknown one refuses the order (422) holding nothing', async () => {
    const p = products[0] as (typeof products)[0];
    await coupon({ code: 'TENOFF' });
    expect((await api('GET', '/api/promotions/tenoff')).body).toMatchObject({
      code: 'TENOFF',
      kind: 'percent',
      value: 10,
    });
    const [buyer] = await customers(1, 'coup');
    const placed = await place(buyer.token, order([{ sku: p.sku, quantity: 2 }], 'tenoff'));
    expect(placed.status).toBe(201);
    const subtotal = 2 * p.price.amount;
    const discount = Math.floor(subtotal / 10);
    expect(placed.body).toMatchObject({
      subtotal: { amount: subtotal },
      discount: { amount: discount },
      total: { amount: subtotal - discount },
    });
    const ledger = await stack
      .sidecar('orders')
      .invokeServiceAnswer<{ held: number }>('payments', 'GET', `ledger/${placed.body.id}`);
    expect(ledger.body.held).toBe(subtotal - discount);

    const before = await stockOf(p.sku);
    const refused = await place(buyer.token, order([{ sku: p.sku, quantity: 1 }], 'NO-SUCH-CODE'));
    expect(refused).toMatchObject({ status: 422, body: { code: 'PROMOTION.INVALID' } });
    expect(await stockOf(p.sku)).toEqual(before); // the reservation made before the promotion step was released
  });

  it('a 10-use coupon under 40 concurrent checkouts: exactly 10 discounted orders, the rest refused, none half-done', async () => {
    const p = products[1] as (typeof products)[0];
    await coupon({ code: 'TENUSES', maxRedemptions: 10 });
    const buyers = await customers(40, 'cap');
    const before = await stockOf(p.sku);
    const answers = await Promise.all(
      buyers.map((b) => place(b.token, order([{ sku: p.sku, quantity: 1 }], 'TENUSES'))),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(
      answers.filter((a) => a.status !== 201).every((a) => a.status === 422 && a.body.code === 'PROMOTION.EXHAUSTED'),
    ).toBe(true);
    const [rows] = await db.query(
      `SELECT status, COUNT(*) n, SUM(discount > 0) discounted FROM \`${stack.database('orders')}\`.orders
       WHERE id IN (?) OR customer_id IN (?) GROUP BY status`,
      [answers.filter((a) => a.status === 201).map((a) => a.body.id), buyers.map((b) => b.id)],
    );
    const byStatus = Object.fromEntries(
      (rows as { status: string; n: number; discounted: string }[]).map((r) => [r.status, r]),
    );
    expect(Number(byStatus.confirmed?.n)).toBe(10);
    expect(Number(byStatus.confirmed?.discounted)).toBe(10);
    expect(Number(byStatus.failed?.n ?? 0)).toBe(30);
    // Stock moved by the 10 orders only: the refused ones gave their reservations back.
    expect(await stockOf(p.sku)).toMatchObject({ onHand: before.onHand - 10, reserved: 0 });
  }, 120_000);

  it('one use per customer holds under that customer’s concurrent checkouts', async () => {
    const p = products[2] as (typeof products)[0];
    await coupon({ code: 'ONCEEACH', maxPerCustomer: 1 });
    const [buyer] = await customers(1, 'once');
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => place(buyer.token, order([{ sku: p.sku, quantity: 1 }], 'ONCEEACH'))),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status !== 201).every((a) => a.body.code === 'PROMOTION.LIMIT_EXCEEDED')).toBe(true);
  });

  it('cancelling an order gives its coupon use back', async () => {
    const p = products[3] as (typeof products)[0];
    await coupon({ code: 'JUSTONE', maxRedemptions: 1 });
    const [a, b] = await customers(2, 'cancel');
    const first = await place(a.token, order([{ sku: p.sku, quantity: 1 }], 'JUSTONE'));
    expect(first.status).toBe(201);
    expect((await place(b.token, order([{ sku: p.sku, quantity: 1 }], 'JUSTONE'))).body.code).toBe(
      'PROMOTION.EXHAUSTED',
    );
    expect((await api('POST', `/api/orders/${first.body.id}/cancel`, undefined, a.token)).status).toBe(200);
    const second = await place(b.token, order([{ sku: p.sku, quantity: 1 }], 'JUSTONE'));
    expect(second.status).toBe(201);
    expect(second.body.discount.amount).toBeGreaterThan(0);
  });

  it('a timed department discount applies without a code, to that department only', async () => {
    const target = products[4] as (typeof products)[0];
    const other = products.find((x) => x.category !== target.category) as (typeof products)[0];
    await coupon({ value: 20, departments: [target.category], endsAt: new Date(Date.now() + 3_600_000).toISOString() });
    const [buyer] = await customers(1, 'dept');
    const placed = await place(
      buyer.token,
      order([
        { sku: target.sku, quantity: 1 },
        { sku: other.sku, quantity: 1 },
      ]),
    );
    expect(placed.status).toBe(201);
    expect(placed.body.discount.amount).toBe(Math.floor(target.price.amount / 5));
  });

  it('promotions on/off is a live switch: off, a coupon is refused and nothing is discounted; on again, it applies', async () => {
    const p = products[5] as (typeof products)[0];
    await coupon({ code: 'SWITCHY' });
    const [buyer] = await customers(1, 'switch');
    const redis = new Redis({ host: '127.0.0.1', port: 6379, db: stack.redisDb });
    try {
      await redis.set('orders.promotions.enabled', 'false||1');
      const started = Date.now();
      let refused: Awaited<ReturnType<typeof place>>;
      do refused = await place(buyer.token, order([{ sku: p.sku, quantity: 1 }], 'SWITCHY'));
      while (refused.status === 201 && Date.now() - started < 1000);
      expect(refused).toMatchObject({ status: 422, body: { code: 'PROMOTION.INVALID' } });
      expect(Date.now() - started).toBeLessThan(1500);
      const plain = await place(buyer.token, order([{ sku: p.sku, quantity: 1 }]));
      expect(plain.body.discount.amount).toBe(0);
    } finally {
      await redis.set('orders.promotions.enabled', 'true||2');
      redis.disconnect();
    }
    await new Promise((r) => setTimeout(r, 1000));
    expect((await place(buyer.token, order([{ sku: p.sku, quantity: 1 }], 'SWITCHY'))).status).toBe(201);
  });
});
