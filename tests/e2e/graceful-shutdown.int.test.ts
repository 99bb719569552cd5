import { randomUUID } from 'node:crypto';
import { startStack, TEST_ADMIN, type TestStack } from '@dbcarts/testing';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, type ApiAnswer, apiCaller, newCustomer, orderBody, within } from '../support/api';

// SIGTERM to the only orders instance in the middle of a checkout burst through the gateway, the
// way Kubernetes replaces a pod's app container (its sidecar stays). Nothing acknowledged may be
// lost, no client may see a reset connection, the outbox must be flushed before the process exits,
// and stock must come out exact. Checked from stored state after the instance is back.
const BUYERS = 9;
const ON_HAND = 1000;
let stack: TestStack;
let api: Api;
let db: mysql.Connection;
let skus: string[];
let buyers: { id: string; token: string }[];

beforeAll(async () => {
  stack = await startStack({
    apps: ['users', 'catalog', 'inventory', 'payments', 'promotions', 'orders', 'gateway'],
    appEnv: {
      catalog: { SEED_CATALOG_PRODUCTS: '4' },
      gateway: {
        RATE_LIMIT_PER_MINUTE: '1000000',
        REGISTRATIONS_PER_IP_PER_HOUR: '1000',
        LOGIN_ATTEMPTS_PER_IP_PER_MINUTE: '100000',
        // Every answer synchronous (201 or a problem), so each acknowledgement names its order.
        CHECKOUT_SYNC_WAIT_MS: '7000',
      },
      orders: {
        // Readiness is false for a second before the listener closes: long enough to observe.
        SHUTDOWN_DELAY_MS: '1000',
        // Events leave only through the shutdown flush: no poll or wake-up publishes them before.
        OUTBOX_POLL_MS: '600000',
        OUTBOX_WAKE_ON_COMMIT: 'false',
        ORDER_SAGA_STALE_SECONDS: '10',
        ORDER_RECOVERY_INTERVAL_MS: '500',
      },
    },
  });
  api = apiCaller(stack.appUrl('gateway'));
  const admin = (await api('POST', '/api/auth/login', TEST_ADMIN)).body.accessToken;
  skus = ((await api('GET', '/api/products?pageSize=2&sort=name')).body.items as { sku: string }[]).map((p) => p.sku);
  for (const sku of skus)
    expect((await api('PUT', `/api/inventory/${sku}`, { onHand: ON_HAND }, admin)).status).toBe(200);
  buyers = [];
  for (let i = 0; i < BUYERS; i += 3) {
    buyers.push(...(await Promise.all([0, 1, 2].map((j) => newCustomer(api, stack.uniqueId(`term${i + j}`))))));
  }
  db = await mysql.createConnection(process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306');
}, 240_000);
afterAll(async () => {
  await db?.end();
  await stack?.stop();
});

async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  const [rows] = await db.query(sql.replaceAll('{orders}', stack.database('orders')), params);
  return rows as T[];
}

interface Attempt {
  at: number;
  done?: number;
  answer?: ApiAnswer;
  /** A failure below HTTP (ECONNRESET, socket hang up): what must never happen. */
  error?: string;
}

describe('SIGTERM to orders during a checkout burst', () => {
  it('loses no acknowledged order, resets no connection, flushes the outbox and keeps stock exact', async () => {
    const attempts: Attempt[] = [];
    let stop = false;
    const loops = buyers.map(async (b, i) => {
      for (let n = 0; !stop; n++) {
        const a: Attempt = { at: Date.now() };
        attempts.push(a);
        try {
          a.answer = await api('POST', '/api/orders', orderBody([{ sku: skus[(i + n) % 2], quantity: 1 }]), b.token, {
            'idempotency-key': randomUUID(),
          });
        } catch (e) {
          const cause = (e as { cause?: { code?: string; message?: string } }).cause;
          a.error = `${(e as Error).message}: ${cause?.code ?? cause?.message ?? ''}`;
        }
        a.done = Date.now();
        if (a.answer && a.answer.status >= 500) await new Promise((r) => setTimeout(r, 100));
      }
    });
    const acked = () => attempts.filter((a) => a.answer?.status === 201).length;

    await within(30_000, async () => acked() >= 2 * BUYERS);
    const sigterm = Date.now();
    const exited = stack.stack.stopAppProcess('orders', 0, 30_000);
    // Readiness goes false first, while the listener still takes requests (for SHUTDOWN_DELAY_MS).
    let readiness: { status: number; body?: unknown } = { status: 0 };
    for (const until = Date.now() + 1500; Date.now() < until && readiness.status !== 503; ) {
      const res = await fetch(`${stack.appUrl('orders')}/readyz`);
      readiness = { status: res.status, body: await res.json() };
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(readiness).toEqual({ status: 503, body: { status: 'shutting_down', checks: {} } });
    expect(await exited).toBe(0); // drained within its budget, not the hard exit
    const down = Date.now();
    // The shutdown flush published everything committed (nothing else publishes in this stack).
    expect((await query<{ n: number }>('SELECT COUNT(*) AS n FROM `{orders}`.outbox'))[0]?.n).toBe(0);
    await new Promise((r) => setTimeout(r, 1500)); // the burst goes on against an absent orders app
    const restarting = Date.now();
    await stack.stack.startAppProcess('orders');
    const before = acked();
    await within(30_000, async () => acked() >= before + 2 * BUYERS);
    stop = true;
    await Promise.all(loops);

    // No connection was reset or hung up: every attempt got an HTTP answer.
    expect(attempts.filter((a) => a.error).map((a) => a.error)).toEqual([]);
    const answers = attempts.map((a) => a.answer as ApiAnswer);
    // Every refusal is a problem+json with a code; a 503 says when to come back.
    for (const a of answers.filter((x) => x.status !== 201)) {
      expect(a.headers.get('content-type'), a.text).toContain('application/problem+json');
      expect(a.body.code, a.text).toEqual(expect.any(String));
      if (a.status === 503) expect(a.headers.get('retry-after'), a.text).toMatch(/^\d+$/);
    }
    // Sent and answered while no orders process ran at all.
    const whileDown = attempts.filter((a) => a.at > down && (a.done ?? Number.POSITIVE_INFINITY) < restarting);
    expect(whileDown.length).toBeGreaterThan(0);
    const phase = (a: Attempt) =>
      a.at < sigterm ? 'before' : a.at < down ? 'draining' : (a.done ?? 0) < restarting ? 'down' : 'after';
    const tally: Record<string, Record<string, number>> = {};
    for (const a of attempts) {
      const key = `${a.answer?.status} ${a.answer?.body?.code ?? ''}`.trim();
      const p = tally[phase(a)] ?? {};
      p[key] = (p[key] ?? 0) + 1;
      tally[phase(a)] = p;
    }
    console.log(
      `[graceful-shutdown] ${attempts.length} attempts, ${acked()} acknowledged; SIGTERM→exit ${down - sigterm} ms; ` +
        `answers by phase: ${JSON.stringify(tally)}`,
    );
    for (const a of whileDown) expect(a.answer?.status).toBe(503);
    // Sent after SIGTERM, before the listener closed: still placed (readiness was already false).
    expect(tally.draining?.['201'] ?? 0).toBeGreaterThan(0);

    // Every order this burst created reaches a final state; every acknowledged one is confirmed.
    const ids = answers.filter((a) => a.status === 201).map((a) => a.body.id as string);
    const customerIds = buyers.map((b) => b.id);
    await within(60_000, async () => {
      const pending = await query<{ n: number }>(
        "SELECT COUNT(*) AS n FROM `{orders}`.orders WHERE customer_id IN (?) AND status = 'pending'",
        [customerIds],
      );
      return Number(pending[0]?.n) === 0;
    });
    const stored = await query<{ id: string; status: string }>(
      'SELECT id, status FROM `{orders}`.orders WHERE id IN (?)',
      [ids],
    );
    expect(stored).toHaveLength(ids.length);
    expect(stored.filter((o) => o.status !== 'confirmed')).toEqual([]);

    // Stock is exact: what left the shelf is what confirmed orders hold; nothing is still reserved.
    for (const sku of skus) {
      const [sold] = await query<{ n: number | null }>(
        "SELECT SUM(l.quantity) AS n FROM `{orders}`.order_lines l JOIN `{orders}`.orders o ON o.id = l.order_id WHERE l.sku = ? AND o.status = 'confirmed' AND o.customer_id IN (?)",
        [sku, customerIds],
      );
      await within(15_000, async () => (await api('GET', `/api/inventory/${sku}`)).body.reserved === 0);
      const stock = (await api('GET', `/api/inventory/${sku}`)).body;
      expect(stock, sku).toMatchObject({ onHand: ON_HAND - Number(sold?.n ?? 0), reserved: 0 });
    }
  }, 180_000);
});
