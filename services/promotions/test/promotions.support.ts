import { randomUUID } from 'node:crypto';
import type { PromotionsClient, ReserveRequest } from '@dbcarts/promotions/client';
import type { TestStack } from '@dbcarts/testing';
import mysql from 'mysql2/promise';

// Helpers shared by the promotions integration tests: the stored state (the truth the invariants
// are checked on, not only the answers) and request builders.

export const MARIADB_URL = process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306';

export async function openDb(stack: TestStack) {
  return mysql.createConnection(`${MARIADB_URL}/${stack.database('promotions')}`);
}

type Db = Awaited<ReturnType<typeof openDb>>;

export async function rows<T>(db: Db, sql: string, params: unknown[] = []): Promise<T[]> {
  const [r] = await db.query(sql, params);
  return r as T[];
}

/**
 * The coupon's global counter and its redemptions by status, from the database, read in one
 * snapshot: two plain reads can straddle a sweep's commit (a CI run read `used` 2 before the last
 * two expiries committed and then counted all 10 expired).
 */
export async function stored(db: Db, code: string) {
  await db.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
  let p: { id: string; used: number } | undefined;
  let byStatus: { status: string; n: number }[] = [];
  try {
    [p] = await rows<{ id: string; used: number }>(db, 'SELECT id, used FROM promotions WHERE code = ?', [code]);
    if (p) {
      byStatus = await rows(db, 'SELECT status, COUNT(*) AS n FROM redemptions WHERE coupon_id = ? GROUP BY status', [
        p.id,
      ]);
    }
  } finally {
    await db.query('COMMIT');
  }
  if (!p) throw new Error(`no promotion ${code}`);
  return {
    id: p.id,
    used: Number(p.used),
    statuses: Object.fromEntries(byStatus.map((s) => [s.status, Number(s.n)])) as Record<string, number>,
  };
}

export async function customerUses(db: Db, promotionId: string, customerId: string): Promise<number> {
  const [r] = await rows<{ used: number }>(
    db,
    'SELECT used FROM customer_uses WHERE promotion_id = ? AND customer_id = ?',
    [promotionId, customerId],
  );
  return Number(r?.used ?? 0);
}

export const LINES = [
  { sku: 'TEE-001', department: 'fashion', quantity: 2, unitPrice: 2_000 },
  { sku: 'MUG-001', department: 'kitchen', quantity: 1, unitPrice: 1_000 },
];

export const reserveBody = (couponCode: string | undefined, customerId = 'cust-1', orderId = randomUUID()) =>
  ({ orderId, customerId, couponCode, currency: 'EUR', lines: LINES }) satisfies ReserveRequest;

/** A code no other test (or run) uses. */
export const uniqueCode = (stack: TestStack, prefix: string) => stack.uniqueId(prefix).slice(0, 40);

/** n calls at once, alternating between the callers (one client per instance's sidecar). */
export function spread<T>(clients: PromotionsClient[], n: number, fn: (c: PromotionsClient, i: number) => Promise<T>) {
  return Promise.all(Array.from({ length: n }, (_, i) => fn(clients[i % clients.length] as PromotionsClient, i)));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
