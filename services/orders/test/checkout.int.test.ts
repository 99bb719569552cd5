import { randomUUID } from 'node:crypto';
import { startStack, TEST_ADMIN, type TestStack } from '@dbcarts/testing';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, apiCaller, newCustomer, within } from '../../../tests/support/api';

// The order flow end to end through the gateway, on real sidecars, MariaDB, the broker and the
// payments service with its test provider. After each scenario the invariants are read from
// stored state: no stock held by failed orders, one authorization per order, ledgers balanced.
let stack: TestStack;
let api: Api;
let admin: string;
let db: mysql.Connection;
const skus: string[] = [];

beforeAll(async () => {
  stack = await startStack({
    apps: ['users', 'catalog', 'inventory', 'payments', 'promotions', 'orders', 'notifications', 'gateway'],
    appEnv: {
      catalog: { SEED_CATALOG_PRODUCTS: '20' },
      // A short provider timeout and a small breaker, so the provider-down scenario runs in seconds.
      payments: {
        PAYMENT_PROVIDER_TIMEOUT_MS: '800',
        PAYMENT_BREAKER_FAILURES: '3',
        PAYMENT_BREAKER_HALF_OPEN_MS: '2000',
      },
      gateway: { RATE_LIMIT_PER_MINUTE: '1000000', REGISTRATIONS_PER_IP_PER_HOUR: '1000' },
    },
  });
  api = apiCaller(stack.appUrl('gateway'));
  admin = (await api('POST', '/api/auth/login', TEST_ADMIN)).body.accessToken;
  const page = await api('GET', '/api/products?pageSize=6&sort=name');
  for (const p of page.body.items as { sku: string }[]) skus.push(p.sku);
  db = await mysql.createConnection(process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306');
}, 240_000);
afterAll(async () => {
  await db?.end();
  await stack?.stop();
});

const address = { name: 'Casey Buyer', line1: '1 Main St', city: 'Berlin', postalCode: '10115', country: 'DE' };
const order = (items: { sku: string; quantity: number }[], token = 'tok_visa') => ({
  items,
  shippingAddress: address,
  payment: { provider: 'test', token },
});

async function setStock(sku: string, onHand: number) {
  expect((await api('PUT', `/api/inventory/${sku}`, { onHand }, admin)).status).toBe(200);
}
const stockOf = async (sku: string) => (await api('GET', `/api/inventory/${sku}`)).body;
const place = (token: string, body: unknown, key = randomUUID()) =>
  api('POST', '/api/orders', body, token, { 'idempotency-key': key });

async function rows<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  const [r] = await db.query(
    sql.replaceAll('{orders}', stack.database('orders')).replaceAll('{payments}', stack.database('payments')),
    params,
  );
  return r as T[];
}

/** Per order: the payments ledger balances and failed orders hold nothing. */
async function checkInvariants(customerId: string) {
  const orders = await rows<{ id: string; status: string }>(
    'SELECT id, status FROM `{orders}`.orders WHERE customer_id = ?',
    [customerId],
  );
  for (const o of orders) {
    const ledger = await stack
      .sidecar('orders')
      .invokeServiceAnswer<{ held: number; balanced: boolean }>('payments', 'GET', `ledger/${o.id}`);
    if (ledger.status === 404) {
      expect(o.status).toBe('failed');
      continue;
    }
    expect(ledger.body.balanced).toBe(true);
    if (o.status === 'failed' || o.status === 'cancelled') expect(ledger.body.held).toBe(0);
  }
  expect(orders.filter((o) => o.status === 'pending')).toEqual([]);
}

describe('checkout', () => {
  it('places an order: confirmed, stock taken, history and invoice follow', async () => {
    const c = await newCustomer(api, stack.uniqueId('buyer'));
    const [a, b] = [skus[0] as string, skus[1] as string];
    await setStock(a, 10);
    await setStock(b, 10);
    const res = await place(
      c.token,
      order([
        { sku: a, quantity: 2 },
        { sku: b, quantity: 1 },
      ]),
    );
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('confirmed');
    const lines = res.body.items as { unitPrice: { amount: number }; quantity: number }[];
    expect(res.body.total.amount).toBe(lines.reduce((s, l) => s + l.unitPrice.amount * l.quantity, 0));
    expect(await stockOf(a)).toMatchObject({ onHand: 8, reserved: 0, available: 8 });

    const id = res.body.id as string;
    // The confirmation email (real SMTP, Mailpit) and the invoice each within 1 s of the answer.
    await within(1_000, async () => ((await stack.mailpit?.messagesTo(c.email))?.length ?? 0) === 1);
    await within(1_000, async () => (await api('GET', `/api/orders/${id}/invoice`, undefined, c.token)).status === 200);
    await within(3_000, async () => (await api('GET', '/api/orders', undefined, c.token)).body.items?.[0]?.id === id);
    const notes = await api('GET', '/api/me/notifications', undefined, c.token);
    expect(JSON.stringify(notes.body)).toContain(id);
    const invoice = (await api('GET', `/api/orders/${id}/invoice`, undefined, c.token)).body;
    expect(invoice.number).toMatch(/^\d{4}-\d{6}$/);
    expect(invoice.gross.amount).toBe(res.body.total.amount);
    expect(invoice.net.amount + invoice.tax.amount).toBe(invoice.gross.amount);
    const html = await fetch(`${stack.appUrl('gateway')}/api/orders/${id}/invoice?format=html`, {
      headers: { authorization: `Bearer ${c.token}` },
    });
    expect(await html.text()).toContain(invoice.number);
    // Someone else's order is not there at all.
    const other = await newCustomer(api, stack.uniqueId('other'));
    expect((await api('GET', `/api/orders/${id}`, undefined, other.token)).status).toBe(404);
    await checkInvariants(c.id);
  });

  it('a declined card: 402, no stock held, no money held', async () => {
    const c = await newCustomer(api, stack.uniqueId('declined'));
    const sku = skus[2] as string;
    await setStock(sku, 5);
    const res = await place(c.token, order([{ sku, quantity: 1 }], 'tok_chargeDeclined'));
    expect(res.status).toBe(402);
    expect(res.body.code).toBe('PAYMENT.DECLINED');
    expect(await stockOf(sku)).toMatchObject({ onHand: 5, reserved: 0 });
    await checkInvariants(c.id);
  });

  it('out of stock on the second line: 409 and the first line released', async () => {
    const c = await newCustomer(api, stack.uniqueId('oos'));
    const [a, b] = [skus[3] as string, skus[4] as string];
    await setStock(a, 5);
    await setStock(b, 1);
    const res = await place(
      c.token,
      order([
        { sku: a, quantity: 2 },
        { sku: b, quantity: 3 },
      ]),
    );
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('INVENTORY.INSUFFICIENT');
    expect(await stockOf(a)).toMatchObject({ onHand: 5, reserved: 0 });
    await checkInvariants(c.id);
  });

  it('Idempotency-Key: replayed answer, 422 on another body, 20 concurrent duplicates → one order, one authorization', async () => {
    const c = await newCustomer(api, stack.uniqueId('idem'));
    const sku = skus[5] as string;
    await setStock(sku, 100);
    expect((await api('POST', '/api/orders', order([{ sku, quantity: 1 }]), c.token)).body.code).toBe(
      'IDEMPOTENCY.KEY_MISSING',
    );

    const key = randomUUID();
    const first = await place(c.token, order([{ sku, quantity: 1 }]), key);
    const again = await place(c.token, order([{ sku, quantity: 1 }]), key);
    expect(again.status).toBe(first.status);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await place(c.token, order([{ sku, quantity: 2 }]), key)).body.code).toBe('IDEMPOTENCY.KEY_REUSED');

    const burstKey = randomUUID();
    const burst = await Promise.all(
      Array.from({ length: 20 }, () => place(c.token, order([{ sku, quantity: 1 }]), burstKey)),
    );
    const statuses = burst.map((r) => r.status);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    const winners = new Set(burst.filter((r) => r.status === 201).map((r) => r.body.id));
    expect(winners.size).toBe(1);
    const [{ n }] = await rows<{ n: number }>('SELECT COUNT(*) AS n FROM `{orders}`.orders WHERE customer_id = ?', [
      c.id,
    ]);
    expect(Number(n)).toBe(2);
    expect(await stockOf(sku)).toMatchObject({ onHand: 98, reserved: 0 });
    await checkInvariants(c.id);
  });

  it('cancel before shipment voids and restocks; after shipment it is refused', async () => {
    const c = await newCustomer(api, stack.uniqueId('cancel'));
    const sku = skus[0] as string;
    const before = (await stockOf(sku)).onHand as number;
    const placed = await place(c.token, order([{ sku, quantity: 1 }]));
    expect(placed.status).toBe(201);
    const cancelled = await api('POST', `/api/orders/${placed.body.id}/cancel`, undefined, c.token);
    expect(cancelled.body.status).toBe('cancelled');
    expect((await stockOf(sku)).onHand).toBe(before);
    // The history read model follows every event of the order, not only the first ones.
    const statusIn = async (id: string) =>
      ((await api('GET', '/api/orders', undefined, c.token)).body.items as { id: string; status: string }[]).find(
        (o) => o.id === id,
      )?.status;
    await within(3_000, async () => (await statusIn(placed.body.id)) === 'cancelled');

    const shipped = await place(c.token, order([{ sku, quantity: 1 }]));
    expect((await api('POST', `/api/admin/orders/${shipped.body.id}/ship`, undefined, admin)).body.status).toBe(
      'shipped',
    );
    const refused = await api('POST', `/api/orders/${shipped.body.id}/cancel`, undefined, c.token);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('ORDER.NOT_CANCELLABLE');
    await checkInvariants(c.id);
  });

  it('ship → deliver → return: refunded through the provider, restocked', async () => {
    const c = await newCustomer(api, stack.uniqueId('return'));
    const sku = skus[1] as string;
    const placed = await place(c.token, order([{ sku, quantity: 2 }]));
    expect(placed.status).toBe(201);
    const id = placed.body.id as string;
    const onHand = (await stockOf(sku)).onHand as number;
    expect(
      (
        await api(
          'POST',
          `/api/orders/${id}/returns`,
          { items: [{ sku, quantity: 1 }], reason: 'does_not_fit' },
          c.token,
          {
            'idempotency-key': randomUUID(),
          },
        )
      ).status,
    ).toBe(409); // not delivered yet
    await api('POST', `/api/admin/orders/${id}/ship`, undefined, admin);
    expect((await api('POST', `/api/admin/orders/${id}/deliver`, undefined, admin)).body.status).toBe('delivered');
    const ret = await api(
      'POST',
      `/api/orders/${id}/returns`,
      { items: [{ sku, quantity: 2 }], reason: 'does_not_fit' },
      c.token,
      {
        'idempotency-key': randomUUID(),
      },
    );
    expect(ret.status).toBe(201);
    expect(ret.body.refund.amount).toBe(placed.body.total.amount);
    expect(ret.body.order.status).toBe('returned');
    await within(
      3_000,
      async () => (await api('GET', '/api/orders', undefined, c.token)).body.items?.[0]?.status === 'returned',
    );
    expect((await stockOf(sku)).onHand).toBe(onHand + 2);
    const ledger = await stack
      .sidecar('orders')
      .invokeServiceAnswer<{ refunded: number; balanced: boolean }>('payments', 'GET', `ledger/${id}`);
    expect(ledger.body.refunded).toBe(placed.body.total.amount);
    await checkInvariants(c.id);
  });

  it('the payment provider down: 503 with nothing held, the breaker then answers at once, and it recovers', async () => {
    const c = await newCustomer(api, stack.uniqueId('breaker'));
    const sku = skus[2] as string;
    const before = await stockOf(sku);
    // tok_timeout: the provider never answers; three of them open the breaker.
    for (let i = 0; i < 3; i++) {
      const res = await place(c.token, order([{ sku, quantity: 1 }], 'tok_timeout'));
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('PAYMENT.UNAVAILABLE');
    }
    const fast = await place(c.token, order([{ sku, quantity: 1 }], 'tok_visa'));
    expect(fast.status).toBe(503);
    // The open breaker answered without calling the provider: nothing could be held.
    const [latest] = await rows<{ id: string }>(
      'SELECT id FROM `{orders}`.orders WHERE customer_id = ? ORDER BY created_at DESC LIMIT 1',
      [c.id],
    );
    const [payment] = await rows<{ provider_reached: number }>(
      'SELECT provider_reached FROM `{payments}`.payments WHERE order_id = ?',
      [latest?.id],
    );
    expect(Number(payment?.provider_reached)).toBe(0);
    expect(await stockOf(sku)).toMatchObject({ onHand: before.onHand, reserved: before.reserved });
    // Half-open after 2 s: the next order goes through again.
    await new Promise((r) => setTimeout(r, 2_200));
    const ok = await place(c.token, order([{ sku, quantity: 1 }], 'tok_visa'));
    expect(ok.status).toBe(201);
    await checkInvariants(c.id);
  });
});
