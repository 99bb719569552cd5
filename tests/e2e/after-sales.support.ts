import { randomUUID } from 'node:crypto';
import { SERVICES, startStack, TEST_ADMIN, type TestStack } from '@dbcarts/testing';
import mysql from 'mysql2/promise';
import { expect } from 'vitest';
import { type Api, apiCaller, orderBody } from '../support/api';

// The stack the after-sales e2e files share: every service a delivered order and its after-sales
// need, electronics SKUs with stock, the admin's token and a connection to read stored state.

export interface AfterSalesFixture {
  stack: TestStack;
  api: Api;
  admin: string;
  db: mysql.Connection;
  /** Catalog SKUs of the electronics department, 1,000 units each. */
  electronics: string[];
}

export async function startAfterSales(): Promise<AfterSalesFixture> {
  const stack = await startStack({
    apps: [...SERVICES],
    appEnv: {
      catalog: { SEED_CATALOG_PRODUCTS: '40' },
      gateway: { RATE_LIMIT_PER_MINUTE: '1000000', REGISTRATIONS_PER_IP_PER_HOUR: '1000' },
    },
  });
  const api = apiCaller(stack.appUrl('gateway'));
  const admin = (await api('POST', '/api/auth/login', TEST_ADMIN)).body.accessToken as string;
  const electronics: string[] = [];
  const page = await api('GET', '/api/products?category=electronics&pageSize=4&sort=name');
  for (const p of page.body.items as { sku: string }[]) {
    electronics.push(p.sku);
    expect((await api('PUT', `/api/inventory/${p.sku}`, { onHand: 1000 }, admin)).status).toBe(200);
  }
  expect(electronics.length).toBeGreaterThanOrEqual(3);
  const db = await mysql.createConnection(process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306');
  return { stack, api, admin, db, electronics };
}

export async function stopAfterSales(f: AfterSalesFixture | undefined): Promise<void> {
  await f?.db.end();
  await f?.stack.stop();
}

export const key = () => ({ 'idempotency-key': randomUUID() });

/** COUNT(*) over the after-sales database (`{as}` in the statement names it). */
export async function count(f: AfterSalesFixture, sql: string, params: unknown[]): Promise<number> {
  const [r] = await f.db.query(sql.replaceAll('{as}', f.stack.database('after_sales')), params);
  return Number((r as { n: number }[])[0]?.n);
}

/** An order of one unit of `sku`, shipped and delivered by the admin. */
export async function deliveredOrder(f: AfterSalesFixture, token: string, sku: string): Promise<string> {
  const placed = await f.api('POST', '/api/orders', orderBody([{ sku, quantity: 1 }]), token, key());
  expect(placed.status).toBe(201);
  const id = placed.body.id as string;
  expect((await f.api('POST', `/api/admin/orders/${id}/ship`, undefined, f.admin)).status).toBe(200);
  const delivered = await f.api('POST', `/api/admin/orders/${id}/deliver`, undefined, f.admin);
  expect(delivered.body.status).toBe('delivered');
  return id;
}

/** A delivered order's line registered and claimed; the claim's id and the registration's. */
export async function claimed(f: AfterSalesFixture, c: { token: string }, orderId: string, sku: string) {
  const reg = await f.api('POST', '/api/me/warranties', { orderId, sku }, c.token, key());
  expect(reg.status).toBe(201);
  const claim = await f.api(
    'POST',
    `/api/me/warranties/${reg.body.id}/claims`,
    { description: 'Dead' },
    c.token,
    key(),
  );
  expect(claim.status).toBe(201);
  return { registrationId: reg.body.id as string, claimId: claim.body.id as string };
}
