import { randomUUID } from 'node:crypto';
import { UpstreamProblemError } from '@dbcarts/errors';
import { createPromotionsClient, type PromotionsClient } from '@dbcarts/promotions/client';
import { startStack, type TestStack } from '@dbcarts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  customerUses,
  LINES,
  openDb,
  reserveBody,
  rows,
  sleep,
  spread,
  stored,
  uniqueCode,
} from './promotions.support';

// Every cap and settlement invariant hammered concurrently on TWO promotions instances (each with its
// sidecar) sharing one MariaDB database, through Dapr service invocation as orders calls it: what
// holds here is held by the database (conditional UPDATEs, keys), not by one process. Checked on the
// stored rows as well as on the answers.
let stack: TestStack;
let clients: PromotionsClient[];
let db: Awaited<ReturnType<typeof openDb>>;

beforeAll(async () => {
  stack = await startStack({ apps: ['promotions'], replicas: { promotions: 2 } });
  clients = [0, 1].map((i) => createPromotionsClient(stack.sidecar('promotions', i), 'promotions', 30_000));
  db = await openDb(stack);
});
afterAll(async () => {
  await db?.end();
  await stack?.stop();
});

const admin = () => clients[0] as PromotionsClient;

async function coupon(prefix: string, extra: Record<string, unknown> = {}) {
  const code = uniqueCode(stack, prefix);
  await admin().create({ code, kind: 'percent', value: 10, ...extra });
  return code;
}

/** The problem a call was answered with (a refusal through Dapr arrives as UpstreamProblemError). */
async function problemOf(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    if (e instanceof UpstreamProblemError) return e.problem;
    throw e;
  }
  throw new Error('expected a problem');
}

describe('global cap', () => {
  it('1,000 concurrent reserves for a 100-use coupon → exactly 100 held, 900 PROMOTION.EXHAUSTED, no 5xx', async () => {
    const code = await coupon('CAP100', { maxRedemptions: 100 });
    const t0 = Date.now();
    const answers = await spread(clients, 1_000, (c, i) => c.reserve(reserveBody(code, `cust-${i}`)));
    const ms = Date.now() - t0;
    const held = answers.filter((a) => a.ok);
    const codes = answers.flatMap((a) => (a.ok ? [] : [a.code]));
    console.log(`global cap: ${held.length} held of ${answers.length} tried in ${ms} ms (two instances)`);
    expect(held).toHaveLength(100);
    expect(codes).toEqual(Array(900).fill('PROMOTION.EXHAUSTED'));
    expect(held.every((a) => a.ok && a.value.status === 'reserved' && a.value.discount === 500)).toBe(true);
    expect(await stored(db, code)).toMatchObject({ used: 100, statuses: { reserved: 100 } });
  });
});

describe('per-customer cap', () => {
  it('cap 1: one customer retrying — 40 new orders and 20 replays of one order at once → one use, one order', async () => {
    const code = await coupon('PERCUST', { maxPerCustomer: 1 });
    const customerId = `cust-${randomUUID()}`;
    const replayed = reserveBody(code, customerId);
    const answers = await spread(clients, 60, (c, i) => c.reserve(i < 20 ? replayed : reserveBody(code, customerId)));
    const held = answers.filter((a) => a.ok);
    const orders = new Set(held.map((a) => a.ok && a.value.orderId));
    console.log(`per-customer cap 1: ${held.length} answers held (${orders.size} order) of ${answers.length} tried`);
    expect(orders.size).toBe(1);
    expect(answers.flatMap((a) => (a.ok ? [] : [a.code])).every((c) => c === 'PROMOTION.LIMIT_EXCEEDED')).toBe(true);
    const s = await stored(db, code);
    expect(s.used).toBe(1);
    expect(s.statuses).toEqual({ reserved: 1 });
    expect(await customerUses(db, s.id, customerId)).toBe(1);
  });

  it('cap 2: 20 customers × 10 concurrent orders each → exactly 2 each, 40 in all', async () => {
    const code = await coupon('PERCUST2', { maxPerCustomer: 2 });
    const customers = Array.from({ length: 20 }, () => `cust-${randomUUID()}`);
    const answers = await spread(clients, 200, (c, i) => c.reserve(reserveBody(code, customers[i % 20])));
    const s = await stored(db, code);
    console.log(`per-customer cap 2: ${answers.filter((a) => a.ok).length} held of 200 tried by 20 customers`);
    expect(answers.filter((a) => a.ok)).toHaveLength(40);
    expect(s.used).toBe(40);
    for (const cust of customers) expect(await customerUses(db, s.id, cust)).toBe(2);
  });

  it('a global refusal takes nothing from the customer: cap reached globally → the customer keeps their use', async () => {
    const code = await coupon('BOTHCAPS', { maxRedemptions: 1, maxPerCustomer: 1 });
    const first = await admin().reserve(reserveBody(code, 'cust-first'));
    expect(first.ok).toBe(true);
    const answers = await spread(clients, 20, (c) => c.reserve(reserveBody(code, 'cust-second')));
    expect(answers.every((a) => !a.ok && a.code === 'PROMOTION.EXHAUSTED')).toBe(true);
    const s = await stored(db, code);
    expect(await customerUses(db, s.id, 'cust-second')).toBe(0);
    expect(s.used).toBe(1);
  });
});

describe('idempotent by order id', () => {
  it('50 concurrent reserves of one order → one created, 49 replays with the same answer, one use', async () => {
    const code = await coupon('IDEM', { maxRedemptions: 10 });
    const body = reserveBody(code);
    const answers = await spread(clients, 50, (c) => c.reserve(body));
    expect(answers.every((a) => a.ok)).toBe(true);
    expect(answers.filter((a) => a.ok && !a.replayed)).toHaveLength(1);
    expect(new Set(answers.map((a) => JSON.stringify(a.ok && a.value))).size).toBe(1);
    expect((await stored(db, code)).used).toBe(1);
  });

  it('a refusal replays as the same refusal, even after a use is free again', async () => {
    const code = await coupon('REPLAYNO', { maxRedemptions: 1 });
    const holder = reserveBody(code, 'cust-a');
    const refused = reserveBody(code, 'cust-b');
    expect((await admin().reserve(holder)).ok).toBe(true);
    expect(await admin().reserve(refused)).toMatchObject({ ok: false, code: 'PROMOTION.EXHAUSTED' });
    await admin().release(holder.orderId);
    expect(await clients[1]?.reserve(refused)).toMatchObject({ ok: false, code: 'PROMOTION.EXHAUSTED' });
  });

  it('the same order id with other values → PROMOTION.REQUEST_MISMATCH, holding nothing more', async () => {
    const code = await coupon('MISMATCH');
    const body = reserveBody(code);
    expect((await admin().reserve(body)).ok).toBe(true);
    const other = await admin().reserve({ ...body, lines: [{ ...LINES[0], quantity: 9 } as (typeof LINES)[0]] });
    expect(other).toMatchObject({ ok: false, code: 'PROMOTION.REQUEST_MISMATCH', status: 422 });
    expect((await stored(db, code)).used).toBe(1);
  });
});

describe('commit and release', () => {
  it('release gives the use back exactly once: 30 concurrent releases of each of 10 orders → used 10 → 0', async () => {
    const code = await coupon('RELEASE', { maxRedemptions: 10, maxPerCustomer: 10 });
    const bodies = Array.from({ length: 10 }, () => reserveBody(code, 'cust-rel'));
    await Promise.all(bodies.map((b) => admin().reserve(b)));
    expect((await stored(db, code)).used).toBe(10);
    const released = await spread(clients, 300, (c, i) => c.release((bodies[i % 10] as (typeof bodies)[0]).orderId));
    expect(released.every((r) => r?.status === 'released')).toBe(true);
    const s = await stored(db, code);
    expect(s).toMatchObject({ used: 0, statuses: { released: 10 } });
    expect(await customerUses(db, s.id, 'cust-rel')).toBe(0);
    // The uses are really free: 10 new orders get them, the 11th does not.
    const again = await spread(clients, 11, (c) => c.reserve(reserveBody(code, 'cust-rel')));
    expect(again.filter((a) => a.ok)).toHaveLength(10);
  });

  it('commit is idempotent: 20 concurrent commits → committed once, the use still held once', async () => {
    const code = await coupon('COMMIT', { maxRedemptions: 5 });
    const body = reserveBody(code);
    await admin().reserve(body);
    const answers = await spread(clients, 20, (c) => c.commit(body.orderId));
    expect(answers.every((a) => a?.status === 'committed' && a.discount === 500)).toBe(true);
    expect(await stored(db, code)).toMatchObject({ used: 1, statuses: { committed: 1 } });
    // A cancelled order gives a committed use back, once.
    await spread(clients, 10, (c) => c.release(body.orderId));
    expect(await stored(db, code)).toMatchObject({ used: 0, statuses: { released: 1 } });
    expect(await problemOf(admin().commit(body.orderId))).toMatchObject({ code: 'PROMOTION.NOT_HELD', status: 409 });
  });

  it('commit racing release on 20 orders: each ends one way, and used counts exactly the committed ones', async () => {
    const code = await coupon('RACE', { maxRedemptions: 20 });
    const bodies = Array.from({ length: 20 }, (_, i) => reserveBody(code, `cust-race-${i}`));
    await Promise.all(bodies.map((b) => admin().reserve(b)));
    await spread(clients, 80, async (c, i) => {
      const orderId = (bodies[i % 20] as (typeof bodies)[0]).orderId;
      try {
        return await (i % 2 ? c.commit(orderId) : c.release(orderId));
      } catch (e) {
        if (e instanceof UpstreamProblemError && e.problem.code === 'PROMOTION.NOT_HELD') return null;
        throw e;
      }
    });
    const s = await stored(db, code);
    expect((s.statuses.committed ?? 0) + (s.statuses.released ?? 0)).toBe(20);
    expect(s.used).toBe(s.statuses.committed ?? 0);
  });

  it('a release before the reserve (a lost call compensated) leaves the late reserve holding nothing', async () => {
    const code = await coupon('EARLYREL', { maxRedemptions: 3 });
    const body = reserveBody(code);
    expect(await admin().release(body.orderId)).toBeNull();
    expect(await clients[1]?.reserve(body)).toMatchObject({ ok: false, code: 'PROMOTION.INVALID' });
    expect((await stored(db, code)).used).toBe(0);
  });

  it('an order with no coupon and nothing running: status none, nothing stored, commit and release answer null', async () => {
    const body = reserveBody(undefined, 'cust-none');
    // Whatever automatic discounts other tests started do not cover this SKU.
    const none = await admin().reserve({ ...body, lines: [{ sku: 'PLAIN-001', quantity: 1, unitPrice: 700 }] });
    expect(none).toMatchObject({ ok: true, value: { status: 'none', discount: 0, total: 700 } });
    expect(await admin().commit(body.orderId)).toBeNull();
    expect(await admin().release(body.orderId)).toBeNull();
  });
});

describe('pricing through the service', () => {
  it('an automatic department discount applies without a code in its window; a coupon stacks on it', async () => {
    const department = `dept-${randomUUID().slice(0, 8)}`;
    const endsAt = new Date(Date.now() + 3_600_000).toISOString();
    const created = await admin().create({ kind: 'percent', value: 20, departments: [department], endsAt });
    expect(created).toMatchObject({ automatic: true, code: null, active: true });
    await sleep(1_100); // definitions are reused for up to 1 s on each instance (PROMOTION_CACHE_MS)
    const lines = [
      { sku: 'SOFA-001', department, quantity: 1, unitPrice: 10_000 },
      { sku: 'LAMP-001', department: 'lighting', quantity: 1, unitPrice: 5_000 },
    ];
    const q = await clients[1]?.quote({ currency: 'EUR', lines });
    expect(q).toMatchObject({ ok: true, value: { subtotal: 15_000, discount: 2_000, total: 13_000 } });
    const code = await coupon('STACK', { kind: 'fixed', value: 1_000, currency: 'EUR', minSubtotal: 5_000 });
    const r = await admin().reserve({
      orderId: randomUUID(),
      customerId: 'c',
      couponCode: code.toLowerCase(),
      currency: 'EUR',
      lines,
    });
    expect(r).toMatchObject({ ok: true, value: { status: 'reserved', discount: 3_000, couponCode: code } });
    expect(r.ok && r.value.lines.map((l) => l.discount)).toEqual([2_000 + 615, 385]); // 1,000 over 8,000 : 5,000
    // Switched off: gone from new orders (within the cache time on the other instance).
    await admin().setActive(created.id, false);
    await sleep(1_100);
    const after = await clients[1]?.quote({ currency: 'EUR', lines });
    expect(after).toMatchObject({ ok: true, value: { discount: 0 } });
  });

  it('a coupon refused with its reason: minimum not met on the eligible lines, nothing eligible, unknown', async () => {
    const code = await coupon('MINSUB', {
      kind: 'fixed',
      value: 500,
      currency: 'EUR',
      minSubtotal: 4_001,
      skus: ['TEE-001'],
    });
    const min = await admin().reserve(reserveBody(code));
    expect(min).toMatchObject({
      ok: false,
      code: 'PROMOTION.INVALID',
      status: 422,
      problem: { reason: 'min_subtotal' },
    });
    const scoped = await coupon('SCOPED', { skus: ['NOTHERE-1'] });
    expect(await admin().quote({ couponCode: scoped, currency: 'EUR', lines: LINES })).toMatchObject({
      ok: false,
      problem: { reason: 'not_eligible' },
    });
    expect(await admin().reserve(reserveBody('NO-SUCH-COUPON'))).toMatchObject({
      ok: false,
      code: 'PROMOTION.INVALID',
      problem: { reason: 'unknown' },
    });
  });
});

describe('admin', () => {
  it('codes are unique case-insensitively: 10 concurrent creates in different cases → one 201, nine 409', async () => {
    const code = uniqueCode(stack, 'dupe');
    const answers = await spread(clients, 10, (c, i) =>
      c.create({ code: i % 2 ? code.toLowerCase() : code, kind: 'percent', value: 5 }).then(
        () => 201,
        (e) => (e instanceof UpstreamProblemError ? `${e.problem.status} ${e.problem.code}` : String(e)),
      ),
    );
    expect(answers.filter((a) => a === 201)).toHaveLength(1);
    expect(answers.filter((a) => a === '409 PROMOTION.CODE_TAKEN')).toHaveLength(9);
  });

  it('a bad body is 400 REQUEST.INVALID naming every bad field', async () => {
    const p = await problemOf(admin().create({ code: 'x', kind: 'fixed', value: -1, maxPerCustomer: 0 }));
    expect(p).toMatchObject({ status: 400, code: 'REQUEST.INVALID' });
    const fields = (p.errors as { path: string }[]).map((e) => e.path).sort();
    expect(fields).toEqual(expect.arrayContaining(['code', 'maxPerCustomer', 'value']));
  });

  it('the public view shows a running coupon without caps or counts; switched off, not started or unknown → 404', async () => {
    const code = await coupon('PUBLIC', { maxRedemptions: 7, skus: ['TEE-001'] });
    const view = await clients[1]?.promotion(code.toLowerCase());
    expect(view).toEqual({
      code,
      kind: 'percent',
      value: 10,
      currency: null,
      minSubtotal: 0,
      startsAt: null,
      endsAt: null,
      skus: ['TEE-001'],
      departments: [],
    });
    const later = await coupon('LATER', { startsAt: new Date(Date.now() + 3_600_000).toISOString() });
    const [row] = await rows<{ id: string }>(db, 'SELECT id FROM promotions WHERE code = ?', [code]);
    await admin().setActive(row?.id as string, false);
    for (const c of [code, later, 'NO-SUCH-CODE']) {
      expect(await problemOf(admin().promotion(c))).toMatchObject({ status: 404, code: 'PROMOTION.NOT_FOUND' });
    }
  });
});
