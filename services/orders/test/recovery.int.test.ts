import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { startStack, TEST_ADMIN, type TestStack } from '@dbcarts/testing';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, apiCaller, newCustomer, within } from '../../../tests/support/api';

// kill -9 of the orders service (and its sidecar) in the two windows that matter: after an order's
// commit but before its events left the outbox, and in the middle of its saga. Every order must end
// confirmed or fully compensated, and every event must arrive, once. Checked from stored state.
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
      gateway: { RATE_LIMIT_PER_MINUTE: '1000000', REGISTRATIONS_PER_IP_PER_HOUR: '1000' },
      // A poll-only relay with a long interval holds committed events back long enough to kill it.
      orders: {
        OUTBOX_POLL_MS: '5000',
        OUTBOX_WAKE_ON_COMMIT: 'false',
        ORDER_SAGA_STALE_SECONDS: '2',
        ORDER_RECOVERY_INTERVAL_MS: '500',
      },
      // tok_timeout hangs this long: the saga sits at `authorizing` meanwhile.
      payments: { PAYMENT_PROVIDER_TIMEOUT_MS: '7000' },
    },
  });
  api = apiCaller(stack.appUrl('gateway'));
  admin = (await api('POST', '/api/auth/login', TEST_ADMIN)).body.accessToken;
  skus = ((await api('GET', '/api/products?pageSize=2&sort=name')).body.items as { sku: string }[]).map((p) => p.sku);
  for (const sku of skus) await api('PUT', `/api/inventory/${sku}`, { onHand: 20 }, admin);
  db = await mysql.createConnection(process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306');
}, 240_000);
afterAll(async () => {
  await db?.end();
  await stack?.stop();
});

const body = (sku: string, token: string) => ({
  items: [{ sku, quantity: 1 }],
  shippingAddress: { name: 'Kim', line1: '2 High St', city: 'Paris', postalCode: '75001', country: 'FR' },
  payment: { provider: 'test', token },
});

async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  const [rows] = await db.query(sql.replaceAll('{orders}', stack.database('orders')), params);
  return rows as T[];
}

describe('orders under kill -9', () => {
  it('an order committed but not yet published: after the crash its events still arrive, once', async () => {
    const c = await newCustomer(api, stack.uniqueId('crash'));
    const [counter] = await query<{ last_seq: number }>('SELECT last_seq FROM `{orders}`.invoice_counters');
    const placed = await api('POST', '/api/orders', body(skus[0] as string, 'tok_visa'), c.token, {
      'idempotency-key': randomUUID(),
    });
    expect(placed.status).toBe(201);
    const id = placed.body.id as string;
    const pending = await query<{ n: number }>(
      "SELECT COUNT(*) AS n FROM `{orders}`.outbox WHERE event_id LIKE CONCAT(?, ':%')",
      [id],
    );
    expect(Number(pending[0]?.n)).toBe(2); // orders.placed + orders.confirmed, still in the outbox

    await stack.restartApp('orders', 'crash');

    await within(
      20_000,
      async () => (await api('GET', `/api/orders/${id}/invoice`, undefined, c.token)).status === 200,
    );
    await within(10_000, async () => (await api('GET', '/api/orders', undefined, c.token)).body.items?.[0]?.id === id);
    const invoices = await query<{ n: number }>('SELECT COUNT(*) AS n FROM `{orders}`.invoices WHERE order_id = ?', [
      id,
    ]);
    expect(Number(invoices[0]?.n)).toBe(1);
    // One number taken for it: a second delivery would not have consumed another.
    const [after] = await query<{ last_seq: number }>('SELECT last_seq FROM `{orders}`.invoice_counters');
    expect(Number(after?.last_seq)).toBe(Number(counter?.last_seq ?? 0) + 1);
    await within(10_000, async () => {
      const [left] = await query<{ n: number }>('SELECT COUNT(*) AS n FROM `{orders}`.outbox');
      return Number(left?.n) === 0;
    });
  });

  it('a saga killed while authorizing is compensated by the sweep: no stock, no money held', async () => {
    const c = await newCustomer(api, stack.uniqueId('midsaga'));
    const sku = skus[1] as string;
    const before = (await api('GET', `/api/inventory/${sku}`)).body;
    const key = randomUUID();
    const inFlight = api('POST', '/api/orders', body(sku, 'tok_timeout'), c.token, { 'idempotency-key': key }).catch(
      () => undefined,
    );
    await within(10_000, async () => {
      const rows = await query<{ saga_step: string }>('SELECT saga_step FROM `{orders}`.orders WHERE customer_id = ?', [
        c.id,
      ]);
      return rows[0]?.saga_step === 'authorizing';
    });
    expect((await api('GET', `/api/inventory/${sku}`)).body.reserved).toBe(before.reserved + 1);

    await stack.restartApp('orders', 'crash');
    await inFlight;

    await within(30_000, async () => {
      const rows = await query<{ status: string }>('SELECT status FROM `{orders}`.orders WHERE customer_id = ?', [
        c.id,
      ]);
      return rows[0]?.status === 'failed';
    });
    const [order] = await query<{ id: string; failure_code: string }>(
      'SELECT id, failure_code FROM `{orders}`.orders WHERE customer_id = ?',
      [c.id],
    );
    expect((await api('GET', `/api/inventory/${sku}`)).body).toMatchObject({
      reserved: before.reserved,
      onHand: before.onHand,
    });
    const ledger = await stack
      .sidecar('orders')
      .invokeServiceAnswer<{ held: number; balanced: boolean }>('payments', 'GET', `ledger/${order?.id}`);
    if (ledger.status === 200) expect(ledger.body).toMatchObject({ held: 0, balanced: true });
    else expect(ledger.status).toBe(404);

    // The key answers what became of the order, replayed; it never places a second one.
    const replay = await api('POST', '/api/orders', body(sku, 'tok_timeout'), c.token, { 'idempotency-key': key });
    expect(replay.status).toBe(503);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const orders = await query<{ n: number }>('SELECT COUNT(*) AS n FROM `{orders}`.orders WHERE customer_id = ?', [
      c.id,
    ]);
    expect(Number(orders[0]?.n)).toBe(1);
  });
});

describe('poison events', () => {
  it('a malformed orders.* delivery lands in dead_letters under its topic; the documented command replays it', async () => {
    const id = `poison-${randomUUID()}`;
    await stack.sidecar('orders').publish('pubsub', 'orders.confirmed', { nonsense: true }, { id });
    await within(20_000, async () => {
      const rows = await query<{ n: number }>('SELECT COUNT(*) AS n FROM `{orders}`.dead_letters WHERE event_id = ?', [
        id,
      ]);
      return Number(rows[0]?.n) === 1;
    });
    const [letter] = await query<{ topic: string }>('SELECT topic FROM `{orders}`.dead_letters WHERE event_id = ?', [
      id,
    ]);
    expect(letter?.topic).toBe('orders.confirmed');

    const dbUrl = `${process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306'}/${stack.database('orders')}`;
    const listed = await runScript(['list', '--db-url', dbUrl]);
    expect(listed).toContain(id);
    const replayed = await runScript(['replay', '--id', id, '--db-url', dbUrl]);
    expect(JSON.parse(replayed.trim().split('\n').at(-1) as string)).toEqual({ replayed: 1 });
    const [row] = await query<{ replayed_at: Date | null }>(
      'SELECT replayed_at FROM `{orders}`.dead_letters WHERE event_id = ?',
      [id],
    );
    expect(row?.replayed_at).not.toBeNull();
    // Published again by the running service's relay: it leaves the outbox.
    await within(20_000, async () => {
      const rows = await query<{ n: number }>('SELECT COUNT(*) AS n FROM `{orders}`.outbox WHERE event_id = ?', [id]);
      return Number(rows[0]?.n) === 0;
    });
  });
});

function runScript(args: string[]): Promise<string> {
  const script = join(__dirname, '..', 'dist', 'src', 'dead-letters.js');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [script, ...args], { timeout: 30_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}
