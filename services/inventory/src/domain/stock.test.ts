import { describe, expect, it } from 'vitest';
import { unwrap } from './outcome';
import { heldByCustomer } from './flash-sale';
import { type ReservationRecord, SETTLED_RETENTION_MS, Stock } from './stock';

const HOLD = 10_000;
const T0 = 1_000_000;

const stockOf = (onHand: number) => {
  const s = Stock.empty('SKU-1');
  unwrap(s.setOnHand(onHand));
  return s;
};
const reserve = (s: Stock, id: string, quantity: number, customerId?: string, now = T0) =>
  s.reserve({ reservationId: id, quantity, customerId }, now, HOLD);

describe('Stock', () => {
  it('never lets available go below zero, whatever the order of reserve/confirm/release/expire', () => {
    // A seeded pseudo-random walk over every operation; the invariant is checked after each step.
    let seed = 42;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const s = stockOf(50);
    const ids: string[] = [];
    let now = T0;
    for (let step = 0; step < 5000; step++) {
      now += rnd(50);
      const op = rnd(6);
      if (op <= 1) {
        const id = `r${step}`;
        if (reserve(s, id, 1 + rnd(5), undefined, now).ok) ids.push(id);
      } else if (op === 2 && ids.length) s.confirm(ids[rnd(ids.length)] as string, now);
      else if (op === 3 && ids.length) s.release(ids[rnd(ids.length)] as string, now);
      else if (op === 4) s.expireDue(now);
      else s.restock(`rs${rnd(200)}`, 1 + rnd(3));
      const { onHand, reserved, available } = s.snapshot();
      expect(reserved).toBeGreaterThanOrEqual(0);
      expect(reserved).toBeLessThanOrEqual(onHand);
      expect(available).toBe(onHand - reserved);
    }
  });

  it('refuses a reservation larger than what is available, and records nothing', () => {
    const s = stockOf(3);
    const out = reserve(s, 'a', 4);
    expect(out).toMatchObject({ ok: false, error: { code: 'INVENTORY.INSUFFICIENT' } });
    expect(s.snapshot()).toEqual({ sku: 'SKU-1', onHand: 3, reserved: 0, available: 3 });
    expect(reserve(s, 'a', 3).ok).toBe(true); // the refused id was not remembered
  });

  it('answers a replayed reservation with its first outcome and does not count it twice', () => {
    const s = stockOf(10);
    const first = reserve(s, 'a', 2, 'c1');
    expect(reserve(s, 'a', 2, 'c1')).toEqual({ ...first, replayed: true });
    expect(s.snapshot().reserved).toBe(2);
    expect(reserve(s, 'a', 3, 'c1')).toMatchObject({ ok: false, error: { code: 'INVENTORY.RESERVATION_MISMATCH' } });
    expect(reserve(s, 'a', 2, 'c2')).toMatchObject({ ok: false, error: { code: 'INVENTORY.RESERVATION_MISMATCH' } });
  });

  it('settles a hold once: confirm then release is refused', () => {
    const s = stockOf(10);
    reserve(s, 'a', 4);
    expect(unwrap(s.confirm('a', T0)).status).toBe('confirmed');
    expect(s.snapshot()).toEqual({ sku: 'SKU-1', onHand: 6, reserved: 0, available: 6 });
    expect(s.confirm('a', T0)).toMatchObject({ ok: true, replayed: true });
    expect(s.release('a', T0)).toMatchObject({ ok: false, error: { code: 'INVENTORY.RESERVATION_SETTLED' } });
    expect(s.release('nope', T0)).toMatchObject({ ok: false, error: { code: 'INVENTORY.RESERVATION_NOT_FOUND' } });
  });

  it('expires a hold when its time is up and gives its units back exactly once', () => {
    const s = stockOf(10);
    reserve(s, 'a', 4, undefined, T0);
    reserve(s, 'b', 3, undefined, T0 + 5000);
    expect(s.expireDue(T0 + HOLD - 1)).toBe(0);
    expect(s.expireDue(T0 + HOLD)).toBe(1);
    expect(s.snapshot().reserved).toBe(3);
    expect(s.expireDue(T0 + HOLD)).toBe(0); // nothing due twice
    expect(s.confirm('a', T0 + HOLD)).toMatchObject({ ok: false, error: { code: 'INVENTORY.RESERVATION_SETTLED' } });
    expect(s.toMeta().nextExpiry).toBe(T0 + 5000 + HOLD);
    expect(s.expireDue(T0 + 5000 + HOLD)).toBe(1);
    expect(s.snapshot()).toEqual({ sku: 'SKU-1', onHand: 10, reserved: 0, available: 10 });
    expect(s.toMeta().nextExpiry).toBeUndefined();
  });

  it('drops settled records after the retention period, not before', () => {
    const s = stockOf(10);
    reserve(s, 'a', 1);
    s.release('a', T0);
    reserve(s, 'b', 1, undefined, T0 + SETTLED_RETENTION_MS); // keeps a sweep due
    s.expireDue(T0 + SETTLED_RETENTION_MS + HOLD);
    expect(s.record('a')).toBeUndefined();
    expect(s.touched.has('a')).toBe(true);
  });

  it('will not set onHand below the units already held', () => {
    const s = stockOf(10);
    reserve(s, 'a', 8);
    expect(s.setOnHand(7)).toMatchObject({ ok: false, error: { code: 'INVENTORY.BELOW_RESERVED' } });
    expect(unwrap(s.setOnHand(8)).available).toBe(0);
  });

  it('reports the transition to zero available once, for inventory.depleted', () => {
    const records = new Map();
    const turn = Stock.restore('SKU-1', stockOf(2).toMeta(), records); // each actor turn restores afresh
    reserve(turn, 'a', 2);
    expect(turn.becameDepleted).toBe(true);
    const next = Stock.restore('SKU-1', turn.toMeta(), records);
    expect(reserve(next, 'b', 1).ok).toBe(false);
    expect(next.becameDepleted).toBe(false);
  });
});

describe('flash sale admission', () => {
  const sale = {
    id: 'fs1',
    price: { amount: 999, currency: 'USD' },
    startsAt: T0,
    endsAt: T0 + 60_000,
    quantity: 5,
    perCustomerLimit: 2,
  };

  it("counts each customer's holdings from the sale's records as admission keeps them, a running sale's orders kept past retention", () => {
    const long = { ...sale, endsAt: T0 + 3 * SETTLED_RETENTION_MS };
    const records = new Map<string, ReservationRecord>();
    const s = Stock.restore('SKU-1', stockOf(100).toMeta(), records);
    unwrap(s.startFlashSale(long, T0));
    unwrap(reserve(s, 'a', 2, 'c1', T0));
    unwrap(reserve(s, 'b', 1, 'c2', T0));
    unwrap(reserve(s, 'd', 1, 'c3', T0));
    unwrap(s.confirm('a', T0 + 1));
    unwrap(s.release('b', T0 + 1));
    const counted = () => heldByCustomer(long.id, records.values());
    expect(counted()).toEqual(s.toMeta().flashSale?.perCustomer);
    expect(counted()).toEqual({ c1: 2, c3: 1 });
    // A day later: the released hold is dropped, the order of the running sale is kept (it still counts).
    reserve(s, 'e', 1, 'c4', T0 + SETTLED_RETENTION_MS); // keeps a sweep due
    s.expireDue(T0 + SETTLED_RETENTION_MS + HOLD + 1);
    expect(records.has('b')).toBe(false);
    expect(records.get('a')?.status).toBe('confirmed');
    expect(counted()).toEqual(s.toMeta().flashSale?.perCustomer);
    // Loaded again with the counts taken from the records: c1 is still at the limit.
    const meta = s.toMeta();
    const next = Stock.restore(
      'SKU-1',
      { ...meta, flashSale: { ...long, ...meta.flashSale, perCustomer: counted() } },
      records,
    );
    expect(
      next.reserve({ reservationId: 'f', quantity: 1, customerId: 'c1' }, T0 + SETTLED_RETENTION_MS + HOLD + 2, HOLD),
    ).toMatchObject({
      ok: false,
      error: { code: 'FLASH_SALE.LIMIT_EXCEEDED' },
    });
  });

  it('applies the flash price only inside the window, and caps each customer', () => {
    const s = stockOf(100);
    unwrap(s.startFlashSale(sale, T0 - 1000));
    expect(unwrap(reserve(s, 'early', 1, 'c1', T0 - 1)).unitPrice).toBeUndefined();
    expect(unwrap(reserve(s, 'a', 2, 'c1', T0)).unitPrice).toEqual({ amount: 999, currency: 'USD' });
    expect(reserve(s, 'b', 1, 'c1', T0)).toMatchObject({ ok: false, error: { code: 'FLASH_SALE.LIMIT_EXCEEDED' } });
    expect(reserve(s, 'c', 1, undefined, T0)).toMatchObject({
      ok: false,
      error: { code: 'FLASH_SALE.CUSTOMER_REQUIRED' },
    });
    expect(unwrap(reserve(s, 'late', 1, 'c1', T0 + 60_000)).unitPrice).toBeUndefined();
  });

  it('sells at most its quantity, and a released hold returns to the sale and to the customer', () => {
    const s = stockOf(100);
    unwrap(s.startFlashSale(sale, T0));
    for (const [id, c] of [
      ['a', 'c1'],
      ['b', 'c2'],
      ['c', 'c3'],
    ] as const)
      reserve(s, id, 2, c, T0 + 1);
    expect(reserve(s, 'd', 2, 'c4', T0 + 1)).toMatchObject({ ok: false, error: { code: 'FLASH_SALE.SOLD_OUT' } });
    expect(unwrap(reserve(s, 'e', 1, 'c4', T0 + 1)).flashSaleId).toBe('fs1');
    expect(s.flashSale(T0 + 1)?.remaining).toBe(0);
    s.release('a', T0 + 2);
    expect(s.flashSale(T0 + 2)?.remaining).toBe(2);
    expect(reserve(s, 'f', 2, 'c1', T0 + 3).ok).toBe(true);
  });

  it('holds a claim (flashOnly) only at the price of a running sale, and says sold out in its own words', () => {
    const claim = (s: Stock, id: string, q: number, c: string, now: number) =>
      s.reserve({ reservationId: id, quantity: q, customerId: c, flashOnly: true }, now, HOLD);
    const s = stockOf(3);
    expect(claim(s, 'x', 1, 'c1', T0)).toMatchObject({ ok: false, error: { code: 'FLASH_SALE.NOT_ACTIVE' } });
    unwrap(s.startFlashSale(sale, T0 - 1000));
    expect(claim(s, 'early', 1, 'c1', T0 - 1)).toMatchObject({ ok: false, error: { code: 'FLASH_SALE.NOT_ACTIVE' } });
    expect(unwrap(claim(s, 'a', 2, 'c1', T0)).unitPrice).toEqual({ amount: 999, currency: 'USD' });
    // The sale offers 5 but the shelf has 1 left: the claim is refused as sold out, not "insufficient".
    expect(claim(s, 'b', 2, 'c2', T0)).toMatchObject({ ok: false, error: { code: 'FLASH_SALE.SOLD_OUT' } });
    expect(claim(s, 'late', 1, 'c3', T0 + 60_000)).toMatchObject({
      ok: false,
      error: { code: 'FLASH_SALE.NOT_ACTIVE' },
    });
    expect(s.snapshot().reserved).toBe(2);
  });

  it('refuses to replay a claim that lapsed or was given back: an order cannot take over units it no longer holds', () => {
    const s = stockOf(10);
    unwrap(s.startFlashSale(sale, T0));
    unwrap(reserve(s, 'lapsing', 1, 'c1', T0));
    unwrap(reserve(s, 'returned', 1, 'c2', T0));
    s.expireDue(T0 + HOLD);
    s.release('returned', T0 + 1);
    for (const [id, c] of [
      ['lapsing', 'c1'],
      ['returned', 'c2'],
    ] as const) {
      expect(reserve(s, id, 1, c, T0 + HOLD + 1)).toMatchObject({
        ok: false,
        error: { code: 'INVENTORY.RESERVATION_SETTLED' },
      });
    }
    expect(s.snapshot().reserved).toBe(0);
    expect(s.flashSale(T0 + HOLD + 1)?.remaining).toBe(5); // each unit went back to the drop once
  });

  it('renews a held claim a full hold from now, only later, and never one that is settled', () => {
    const s = stockOf(10);
    unwrap(reserve(s, 'a', 1, 'c1', T0));
    const renew = (id: string, now: number) =>
      s.reserve({ reservationId: id, quantity: 1, customerId: 'c1', renew: true }, now, HOLD);
    expect(unwrap(renew('a', T0 + 5000)).expiresAt).toBe(T0 + 5000 + HOLD);
    expect(s.expireDue(T0 + HOLD)).toBe(0); // the first hold time passed: still held
    expect(s.snapshot().reserved).toBe(1);
    expect(s.expireDue(T0 + 5000 + HOLD)).toBe(1);
    expect(renew('a', T0 + 5000 + HOLD + 1)).toMatchObject({
      ok: false,
      error: { code: 'INVENTORY.RESERVATION_SETTLED' },
    });
    expect(s.snapshot().reserved).toBe(0);
  });

  it('refuses a second overlapping sale but replays the same one', () => {
    const s = stockOf(10);
    unwrap(s.startFlashSale(sale, T0));
    expect(s.startFlashSale(sale, T0)).toMatchObject({ ok: true, replayed: true });
    expect(s.startFlashSale({ ...sale, id: 'fs2' }, T0)).toMatchObject({
      ok: false,
      error: { code: 'FLASH_SALE.CONFLICT' },
    });
  });
});

describe('Stock refuses what breaks its invariants, whoever calls it', () => {
  // Raw actor calls reach the domain without any HTTP schema in between: the domain is the last line.
  const badQuantities: unknown[] = [-5, 0, 1.5, '2', 1e9, Number.NaN, Number.POSITIVE_INFINITY, null, undefined, {}];
  const badIds: unknown[] = ['', 'has space', 'x'.repeat(129), 'slash/in', 42, null, undefined, ['a']];

  const unchanged = (s: Stock, before: ReturnType<Stock['snapshot']>) => {
    expect(s.snapshot()).toEqual(before);
    expect(s.changed).toBe(false);
    expect(s.touched.size).toBe(0);
  };
  const fresh = () => Stock.restore('SKU-1', stockOf(10).toMeta(), new Map());

  it.each(badQuantities)('refuses to reserve a quantity of %s, and changes nothing', (quantity) => {
    const s = fresh();
    const before = s.snapshot();
    const out = s.reserve({ reservationId: 'r1', quantity: quantity as number }, T0, HOLD);
    expect(out).toMatchObject({ ok: false, error: { code: 'INVENTORY.INVALID_QUANTITY' } });
    unchanged(s, before);
    expect(s.record('r1')).toBeUndefined();
  });

  it('a quantity of -5 never lowers reserved (the oversell it used to allow)', () => {
    const s = fresh();
    unwrap(s.reserve({ reservationId: 'a', quantity: 10 }, T0, HOLD));
    const next = Stock.restore('SKU-1', s.toMeta(), new Map());
    expect(next.reserve({ reservationId: 'b', quantity: -5 }, T0, HOLD).ok).toBe(false);
    expect(next.reserve({ reservationId: 'c', quantity: 5 }, T0, HOLD)).toMatchObject({
      ok: false,
      error: { code: 'INVENTORY.INSUFFICIENT' },
    });
    expect(next.snapshot()).toEqual({ sku: 'SKU-1', onHand: 10, reserved: 10, available: 0 });
  });

  it.each(badIds)('refuses a reservation id or customer id of %s, and changes nothing', (id) => {
    const s = fresh();
    const before = s.snapshot();
    expect(s.reserve({ reservationId: id as string, quantity: 1 }, T0, HOLD)).toMatchObject({
      ok: false,
      error: { code: 'INVENTORY.INVALID_ID' },
    });
    if (id !== undefined) {
      expect(s.reserve({ reservationId: 'ok-1', quantity: 1, customerId: id as string }, T0, HOLD)).toMatchObject({
        ok: false,
        error: { code: 'INVENTORY.INVALID_ID' },
      });
    }
    unchanged(s, before);
  });

  it('refuses every operation on a malformed SKU (an actor id no route would accept)', () => {
    const s = Stock.empty('not a sku');
    expect(s.setOnHand(5)).toMatchObject({ ok: false, error: { code: 'INVENTORY.INVALID_ID' } });
    expect(s.restock('rs-1', 5)).toMatchObject({ ok: false, error: { code: 'INVENTORY.INVALID_ID' } });
    expect(s.reserve({ reservationId: 'r', quantity: 1 }, T0, HOLD)).toMatchObject({ ok: false });
    expect(s.changed).toBe(false);
  });

  it.each([-1, 1.5, '10', 2e9, Number.NaN, null])('refuses to set onHand to %s', (onHand) => {
    const s = fresh();
    const before = s.snapshot();
    expect(s.setOnHand(onHand as number)).toMatchObject({ ok: false, error: { code: 'INVENTORY.INVALID_QUANTITY' } });
    unchanged(s, before);
  });

  it('refuses a restock of a bad quantity or under a bad id, and does not remember the id', () => {
    const s = fresh();
    const before = s.snapshot();
    for (const q of badQuantities) {
      expect(s.restock('rs-1', q as number)).toMatchObject({
        ok: false,
        error: { code: 'INVENTORY.INVALID_QUANTITY' },
      });
    }
    expect(s.restock('bad id', 3)).toMatchObject({ ok: false, error: { code: 'INVENTORY.INVALID_ID' } });
    unchanged(s, before);
    expect(unwrap(s.restock('rs-1', 3)).onHand).toBe(13); // the refused id was not recorded
  });

  it('refuses a flash sale whose numbers break its caps, and opens nothing', () => {
    const good = {
      id: 'fs1',
      price: { amount: 999, currency: 'USD' },
      startsAt: T0,
      endsAt: T0 + 60_000,
      quantity: 5,
      perCustomerLimit: 2,
    };
    const bad = [
      { ...good, quantity: -1 },
      { ...good, quantity: '5' },
      { ...good, perCustomerLimit: 0 },
      { ...good, perCustomerLimit: 1.5 },
      { ...good, price: { amount: -1, currency: 'USD' } },
      { ...good, price: { amount: 100, currency: 'usd' } },
      { ...good, price: null },
      { ...good, id: 'bad id' },
      { ...good, startsAt: Number.NaN },
      { ...good, endsAt: 'tomorrow' },
    ];
    for (const spec of bad) {
      const s = fresh();
      expect(s.startFlashSale(spec as never, T0)).toMatchObject({ ok: false, error: { code: 'FLASH_SALE.INVALID' } });
      expect(s.flashSale(T0)).toBeUndefined();
      expect(s.changed).toBe(false);
    }
    expect(fresh().startFlashSale(good, T0).ok).toBe(true);
  });
});
