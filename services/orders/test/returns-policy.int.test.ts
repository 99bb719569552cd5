import { randomUUID } from 'node:crypto';
import { startStack, TEST_ADMIN, type TestStack } from '@dbcarts/testing';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, apiCaller, newCustomer, orderBody, startDrop } from '../../../tests/support/api';

// The returns policy (@dbcarts/returns-policy) as the orders service applies it, through the gateway
// on real sidecars: the department exceptions come from what the order line was sold as (its catalog
// department, a flash-drop claim = final sale), and partial returns add up per line. Time passes by
// moving the stored delivery back (the one thing a test cannot wait for).
let stack: TestStack;
let api: Api;
let admin: string;
let db: mysql.Connection;
let electronics: string;
let fashion: string;
let drop: string;

beforeAll(async () => {
  stack = await startStack({
    apps: ['users', 'catalog', 'inventory', 'payments', 'promotions', 'orders', 'gateway'],
    appEnv: {
      catalog: { SEED_CATALOG_PRODUCTS: '40' },
      gateway: { RATE_LIMIT_PER_MINUTE: '1000000', REGISTRATIONS_PER_IP_PER_HOUR: '1000' },
    },
  });
  api = apiCaller(stack.appUrl('gateway'));
  admin = (await api('POST', '/api/auth/login', TEST_ADMIN)).body.accessToken;
  const first = async (category: string, n = 0) =>
    (await api('GET', `/api/products?category=${category}&pageSize=5&sort=name`)).body.items[n].sku as string;
  [electronics, fashion, drop] = [await first('electronics'), await first('fashion'), await first('fashion', 1)];
  for (const sku of [electronics, fashion, drop]) {
    expect((await api('PUT', `/api/inventory/${sku}`, { onHand: 1000 }, admin)).status).toBe(200);
  }
  await startDrop(api, admin, drop, 10, 5);
  db = await mysql.createConnection(process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306');
}, 240_000);
afterAll(async () => {
  await db?.end();
  await stack?.stop();
});

const key = () => ({ 'idempotency-key': randomUUID() });

/** Places, ships and delivers `items`; the delivery is then moved `daysAgo` into the past. */
async function delivered(token: string, items: object[], daysAgo = 0): Promise<string> {
  const placed = await api('POST', '/api/orders', orderBody(items), token, key());
  expect(placed.status).toBe(201);
  const id = placed.body.id as string;
  await api('POST', `/api/admin/orders/${id}/ship`, undefined, admin);
  expect((await api('POST', `/api/admin/orders/${id}/deliver`, undefined, admin)).body.status).toBe('delivered');
  if (daysAgo) {
    await db.query(
      `UPDATE \`${stack.database('orders')}\`.orders SET delivered_at = NOW(3) - INTERVAL ? DAY WHERE id = ?`,
      [daysAgo, id],
    );
  }
  return id;
}

const ret = (token: string, id: string, items: object[], reason = 'changed_mind') =>
  api('POST', `/api/orders/${id}/returns`, { items, reason }, token, key());

describe('returns policy in orders', () => {
  it('takes opened electronics back within 15 days only, unopened ones until 30', async () => {
    const c = await newCustomer(api, stack.uniqueId('tv'));
    const id = await delivered(c.token, [{ sku: electronics, quantity: 2 }], 16);
    const opened = await ret(c.token, id, [{ sku: electronics, quantity: 1, opened: true }]);
    expect(opened.status).toBe(422);
    expect(opened.body).toMatchObject({ code: 'ORDER.RETURN_WINDOW_CLOSED', sku: electronics, days: 15 });
    const sealed = await ret(c.token, id, [{ sku: electronics, quantity: 1, opened: false }], 'defective');
    expect(sealed.status).toBe(201);

    const fresh = await delivered(c.token, [{ sku: electronics, quantity: 1 }], 10);
    expect((await ret(c.token, fresh, [{ sku: electronics, quantity: 1, opened: true }])).status).toBe(201);
    const late = await delivered(c.token, [{ sku: fashion, quantity: 1 }], 31);
    expect((await ret(c.token, late, [{ sku: fashion, quantity: 1 }])).body.code).toBe('ORDER.RETURN_WINDOW_CLOSED');
  });

  it('never takes back a final-sale line (bought through a drop claim), even on delivery day', async () => {
    const c = await newCustomer(api, stack.uniqueId('drop'));
    const held = await api('POST', `/api/flash-sales/${drop}/claims`, { quantity: 1 }, c.token, key());
    expect(held.status).toBe(201);
    const id = await delivered(c.token, [
      { sku: drop, quantity: 1, claimId: held.body.claimId },
      { sku: fashion, quantity: 1 },
    ]);
    // The order says so to the customer (the storefront shows each line's window from these).
    const view = (await api('GET', `/api/orders/${id}`, undefined, c.token)).body;
    expect(view.deliveredAt).toEqual(expect.any(String));
    expect(view.items).toEqual([
      expect.objectContaining({ sku: drop, finalSale: true, department: 'fashion' }),
      expect.objectContaining({ sku: fashion, finalSale: false, department: 'fashion' }),
    ]);
    const refused = await ret(c.token, id, [{ sku: drop, quantity: 1 }]);
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'ORDER.RETURN_FINAL_SALE', sku: drop });
    // The other line of the same order is an ordinary one.
    expect((await ret(c.token, id, [{ sku: fashion, quantity: 1 }])).status).toBe(201);
  });

  it('returns a 3-unit line in two parts, refunds exactly what was paid, then refuses a fourth unit', async () => {
    const c = await newCustomer(api, stack.uniqueId('parts'));
    const id = await delivered(c.token, [{ sku: fashion, quantity: 3 }]);
    const paid = (await api('GET', `/api/orders/${id}`, undefined, c.token)).body.total.amount as number;
    const first = await ret(c.token, id, [{ sku: fashion, quantity: 2 }], 'does_not_fit');
    expect(first.status).toBe(201);
    expect(first.body.order.status).toBe('delivered');
    const second = await ret(c.token, id, [{ sku: fashion, quantity: 1 }], 'does_not_fit');
    expect(second.status).toBe(201);
    expect(second.body.order.status).toBe('returned');
    expect(first.body.refund.amount + second.body.refund.amount).toBe(paid);
    const over = await ret(c.token, id, [{ sku: fashion, quantity: 1 }]);
    expect(over.status).toBe(409); // the order is fully returned: no longer delivered
    const partial = await delivered(c.token, [{ sku: fashion, quantity: 3 }]);
    expect((await ret(c.token, partial, [{ sku: fashion, quantity: 2 }])).status).toBe(201);
    const tooMany = await ret(c.token, partial, [{ sku: fashion, quantity: 2 }]);
    expect(tooMany.status).toBe(422);
    expect(tooMany.body).toMatchObject({ code: 'ORDER.RETURN_QUANTITY', returnable: 1 });
    const badReason = await ret(c.token, partial, [{ sku: fashion, quantity: 1 }], 'too big');
    expect(badReason.status).toBe(400);
  });
});
