import { UpstreamProblemError } from '@dbcarts/errors';
import { createPromotionsClient, type PromotionsClient } from '@dbcarts/promotions/client';
import { startStack, type TestStack } from '@dbcarts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, reserveBody, rows, sleep, spread, stored, uniqueCode } from './promotions.support';

// The hold time, configured short (PROMOTION_HOLD_MS 1 s) so a reservation nobody commits runs out
// here; both instances sweep every 200 ms, racing each other for the same expired holds.
const HOLD_MS = 1_000;
let stack: TestStack;
let clients: PromotionsClient[];
let db: Awaited<ReturnType<typeof openDb>>;

beforeAll(async () => {
  stack = await startStack({
    apps: ['promotions'],
    replicas: { promotions: 2 },
    appEnv: { promotions: { PROMOTION_HOLD_MS: String(HOLD_MS), PROMOTION_SWEEP_MS: '200' } },
  });
  clients = [0, 1].map((i) => createPromotionsClient(stack.sidecar('promotions', i), 'promotions', 30_000));
  db = await openDb(stack);
});
afterAll(async () => {
  await db?.end();
  await stack?.stop();
});

const admin = () => clients[0] as PromotionsClient;

async function coupon(prefix: string, extra: Record<string, unknown>) {
  const code = uniqueCode(stack, prefix);
  await admin().create({ code, kind: 'percent', value: 10, ...extra });
  return code;
}

async function until<T>(what: string, probe: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v)} after ${timeoutMs} ms`);
    await sleep(100);
  }
}

async function statusOf(orderId: string) {
  const [r] = await rows<{ status: string }>(db, 'SELECT status FROM redemptions WHERE order_id = ?', [orderId]);
  return r?.status;
}

describe('the hold time', () => {
  it('uncommitted holds are given back by the sweep exactly once (two instances sweeping): 10 of 40 → 0 → 10 again', async () => {
    const code = await coupon('HOLD', { maxRedemptions: 10, maxPerCustomer: 10 });
    const first = await spread(clients, 40, (c) => c.reserve(reserveBody(code, 'cust-hold')));
    expect(first.filter((a) => a.ok)).toHaveLength(10);
    const t0 = Date.now();
    const s = await until(
      'expired holds',
      () => stored(db, code),
      (v) => (v.statuses.expired ?? 0) === 10,
    );
    console.log(`hold ${HOLD_MS} ms: 10 holds expired ${Date.now() - t0} ms after the reserves`);
    expect(s).toMatchObject({ used: 0, statuses: { expired: 10 } });
    const [uses] = await rows<{ used: number }>(db, 'SELECT used FROM customer_uses WHERE promotion_id = ?', [s.id]);
    expect(Number(uses?.used)).toBe(0);
    const again = await spread(clients, 40, (c) => c.reserve(reserveBody(code, 'cust-hold')));
    expect(again.filter((a) => a.ok)).toHaveLength(10);
    expect((await stored(db, code)).used).toBe(10);
  });

  it('a committed use is never swept; a hold released in time is not given back twice', async () => {
    const code = await coupon('KEEP', { maxRedemptions: 5 });
    const committed = reserveBody(code, 'cust-k1');
    const released = reserveBody(code, 'cust-k2');
    await admin().reserve(committed);
    await admin().reserve(released);
    await admin().commit(committed.orderId);
    await admin().release(released.orderId);
    await sleep(HOLD_MS + 800); // past the hold and several sweeps
    expect(await statusOf(committed.orderId)).toBe('committed');
    expect(await statusOf(released.orderId)).toBe('released');
    expect((await stored(db, code)).used).toBe(1);
  });

  it('commit after the hold ran out takes the use again when one is free, else PROMOTION.NOT_HELD', async () => {
    const code = await coupon('LATE', { maxRedemptions: 1 });
    const late = reserveBody(code, 'cust-late-1');
    await admin().reserve(late);
    await until(
      'expired',
      () => statusOf(late.orderId),
      (s) => s === 'expired',
    );
    expect(await clients[1]?.commit(late.orderId)).toMatchObject({ status: 'committed', discount: 500 });
    expect((await stored(db, code)).used).toBe(1);

    const code2 = await coupon('LATE2', { maxRedemptions: 1 });
    const slow = reserveBody(code2, 'cust-late-2');
    await admin().reserve(slow);
    await until(
      'expired',
      () => statusOf(slow.orderId),
      (s) => s === 'expired',
    );
    expect((await admin().reserve(reserveBody(code2, 'cust-late-3'))).ok).toBe(true); // takes the freed use
    const refused = await admin()
      .commit(slow.orderId)
      .catch((e) => (e instanceof UpstreamProblemError ? e.problem : e));
    expect(refused).toMatchObject({ status: 409, code: 'PROMOTION.NOT_HELD' });
    expect((await stored(db, code2)).used).toBe(1);
    // Releasing the expired one gives nothing back a second time.
    expect(await admin().release(slow.orderId)).toMatchObject({ status: 'expired' });
    expect((await stored(db, code2)).used).toBe(1);
  });
});
