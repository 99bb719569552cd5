import { describe, expect, it } from 'vitest';
import { InsufficientStockError, ReservationSettledError } from './stock.errors';
import { Stock, unwrap } from './stock';

const stockOf = (onHand: number) => {
  const s = Stock.empty('SKU-1');
  unwrap(s.setOnHand(onHand));
  return s;
};

describe('Stock', () => {
  it('never lets available go below zero, whatever the order of reserve/confirm/release', () => {
    // A seeded pseudo-random walk over every operation; the invariant is checked after each step.
    let seed = 42;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const s = stockOf(50);
    const ids: string[] = [];
    for (let step = 0; step < 5000; step++) {
      const op = rnd(5);
      if (op <= 1) {
        const id = `r${step}`;
        if (s.reserve(id, 1 + rnd(5)).ok) ids.push(id);
      } else if (op === 2 && ids.length) s.confirm(ids[rnd(ids.length)] as string);
      else if (op === 3 && ids.length) s.release(ids[rnd(ids.length)] as string);
      else s.restock(`rs${rnd(200)}`, 1 + rnd(3));
      const { onHand, reserved, available } = s.snapshot();
      expect(reserved).toBeGreaterThanOrEqual(0);
      expect(reserved).toBeLessThanOrEqual(onHand);
      expect(available).toBe(onHand - reserved);
    }
  });

  it('refuses a reservation larger than what is available, and records nothing', () => {
    const s = stockOf(3);
    const out = s.reserve('a', 4);
    expect(out.ok).toBe(false);
    expect(() => unwrap(out)).toThrow(InsufficientStockError);
    expect(s.snapshot()).toEqual({ sku: 'SKU-1', onHand: 3, reserved: 0, available: 3 });
    expect(s.reserve('a', 3).ok).toBe(true); // the refused id was not remembered
  });

  it('answers a replayed reservation with its first outcome and does not count it twice', () => {
    const s = stockOf(10);
    const first = s.reserve('a', 2);
    const again = s.reserve('a', 2);
    expect(again).toEqual({ ...first, replayed: true });
    expect(s.snapshot().reserved).toBe(2);
    expect(s.reserve('a', 3)).toMatchObject({ ok: false, error: { code: 'INVENTORY.RESERVATION_MISMATCH' } });
  });

  it('settles a reservation once: confirm then release is refused', () => {
    const s = stockOf(10);
    s.reserve('a', 4);
    expect(unwrap(s.confirm('a')).status).toBe('confirmed');
    expect(s.snapshot()).toEqual({ sku: 'SKU-1', onHand: 6, reserved: 0, available: 6 });
    expect(s.confirm('a')).toMatchObject({ ok: true, replayed: true });
    expect(() => unwrap(s.release('a'))).toThrow(ReservationSettledError);
    expect(s.release('nope')).toMatchObject({ ok: false, error: { code: 'INVENTORY.RESERVATION_NOT_FOUND' } });
  });

  it('will not set onHand below the units already held', () => {
    const s = stockOf(10);
    s.reserve('a', 8);
    expect(s.setOnHand(7)).toMatchObject({ ok: false, error: { code: 'INVENTORY.BELOW_RESERVED' } });
    expect(unwrap(s.setOnHand(8)).available).toBe(0);
  });

  it('survives a round trip through its persisted state', () => {
    const s = stockOf(5);
    s.reserve('a', 2);
    const restored = Stock.restore('SKU-1', JSON.parse(JSON.stringify(s.toState())));
    expect(restored.snapshot()).toEqual(s.snapshot());
    expect(restored.reserve('a', 2)).toMatchObject({ ok: true, replayed: true });
  });
});
