import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, covers, discountOf, type PricedLine, quote } from './discount';
import type { Promotion } from './promotion';

const NOW = new Date('2026-06-06T12:00:00Z');

function promo(over: Partial<Promotion> = {}): Promotion {
  return {
    id: over.id ?? 'p-coupon',
    code: 'SAVE10',
    kind: 'percent',
    value: 10,
    currency: null,
    minSubtotal: 0,
    skus: [],
    departments: [],
    startsAt: null,
    endsAt: null,
    maxRedemptions: null,
    maxPerCustomer: null,
    active: true,
    used: 0,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    ...over,
  };
}

const auto = (over: Partial<Promotion> = {}) => promo({ code: null, id: 'p-auto', ...over });

const lines: PricedLine[] = [
  { sku: 'TEE-1', department: 'fashion', quantity: 2, unitPrice: 1_999 }, // 3,998
  { sku: 'MUG-1', department: 'kitchen', quantity: 1, unitPrice: 1_250 }, // 1,250
  { sku: 'CAB-1', department: 'electronics', quantity: 3, unitPrice: 500 }, // 1,500
];

function ok(outcome: ReturnType<typeof quote>) {
  if (!outcome.ok) throw new Error(`refused: ${outcome.reason}`);
  return outcome.quote;
}

describe('discount amounts', () => {
  it('a percentage is rounded down, in minor units', () => {
    expect(discountOf({ kind: 'percent', value: 15 }, 999)).toBe(149); // 149.85
    expect(discountOf({ kind: 'percent', value: 100 }, 999)).toBe(999);
  });

  it('a fixed amount never takes the subtotal below zero', () => {
    expect(discountOf({ kind: 'fixed', value: 5_000 }, 1_200)).toBe(1_200);
    expect(discountOf({ kind: 'fixed', value: 500 }, 1_200)).toBe(500);
    expect(discountOf({ kind: 'fixed', value: 500 }, 0)).toBe(0);
  });

  it('allocation adds up exactly and never gives a line more than its amount', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10_000_000_000 }), { minLength: 1, maxLength: 30 }), (weights) => {
        const sum = weights.reduce((s, w) => s + w, 0);
        const total = Math.floor(sum / 3);
        const shares = allocate(total, weights);
        expect(shares.reduce((s, x) => s + x, 0)).toBe(sum > 0 ? total : 0);
        shares.forEach((s, i) => {
          expect(Number.isInteger(s)).toBe(true);
          expect(s).toBeGreaterThanOrEqual(0);
          expect(s).toBeLessThanOrEqual(weights[i] ?? 0);
        });
      }),
    );
  });
});

describe('scope', () => {
  it('no scope covers every line; a SKU or a department in scope makes a line eligible', () => {
    expect(covers(promo(), lines[0] as PricedLine)).toBe(true);
    expect(covers(promo({ skus: ['MUG-1'] }), lines[1] as PricedLine)).toBe(true);
    expect(covers(promo({ skus: ['MUG-1'] }), lines[0] as PricedLine)).toBe(false);
    expect(covers(promo({ departments: ['fashion'] }), lines[0] as PricedLine)).toBe(true);
  });

  it('a line without its department is not eligible for a department-scoped promotion', () => {
    expect(covers(promo({ departments: ['fashion'] }), { sku: 'TEE-1', quantity: 1, unitPrice: 100 })).toBe(false);
  });
});

describe('a coupon', () => {
  it('percent on the whole order: 10 % of 6,748 = 674, spread over the lines in proportion', () => {
    const q = ok(quote({ currency: 'EUR', lines, automatic: [], coupon: promo(), couponCode: 'SAVE10', now: NOW }));
    expect(q).toMatchObject({ subtotal: 6_748, discount: 674, total: 6_074 });
    expect(q.lines.map((l) => l.discount)).toEqual([399, 125, 150]); // largest remainders: .85, .82
    expect(q.applied).toEqual([{ promotionId: 'p-coupon', code: 'SAVE10', kind: 'percent', value: 10, discount: 674 }]);
  });

  it('scoped to a SKU: only that line is discounted, and the minimum is checked on it alone', () => {
    const coupon = promo({ kind: 'fixed', value: 300, currency: 'EUR', skus: ['MUG-1'], minSubtotal: 1_250 });
    const q = ok(quote({ currency: 'EUR', lines, automatic: [], coupon, couponCode: 'SAVE10', now: NOW }));
    expect(q.lines.map((l) => l.discount)).toEqual([0, 300, 0]);
    const higher = promo({ ...coupon, minSubtotal: 1_251 });
    expect(quote({ currency: 'EUR', lines, automatic: [], coupon: higher, couponCode: 'SAVE10', now: NOW })).toEqual({
      ok: false,
      reason: 'min_subtotal',
      details: { minSubtotal: 1_251, eligibleSubtotal: 1_250 },
    });
  });

  it('a fixed amount larger than its eligible lines takes them to zero, not below', () => {
    const coupon = promo({ kind: 'fixed', value: 10_000, currency: 'EUR', departments: ['electronics'] });
    const q = ok(quote({ currency: 'EUR', lines, automatic: [], coupon, couponCode: 'X', now: NOW }));
    expect(q.lines.map((l) => l.discount)).toEqual([0, 0, 1_500]);
    expect(q.total).toBe(6_748 - 1_500);
  });

  it('is refused with a reason: unknown, switched off, not started, ended, other currency, nothing eligible', () => {
    const at = (coupon: Promotion | null, currency = 'EUR') =>
      quote({ currency, lines, automatic: [], coupon, couponCode: 'SAVE10', now: NOW });
    const reason = (o: ReturnType<typeof quote>) => (o.ok ? 'ok' : o.reason);
    expect(reason(at(null))).toBe('unknown');
    expect(reason(at(promo({ active: false })))).toBe('inactive');
    expect(reason(at(promo({ startsAt: new Date('2026-06-07T00:00:00Z') })))).toBe('not_started');
    expect(reason(at(promo({ endsAt: NOW })))).toBe('ended'); // the window is [startsAt, endsAt)
    expect(reason(at(promo({ currency: 'EUR', kind: 'fixed', value: 100 }), 'USD'))).toBe('currency');
    expect(reason(at(promo({ skus: ['NOPE-1'] })))).toBe('not_eligible');
    expect(reason(at(promo({ startsAt: NOW, endsAt: new Date('2026-06-07T00:00:00Z') })))).toBe('ok');
  });

  it('an automatic promotion is never taken for a coupon code', () => {
    const o = quote({ currency: 'EUR', lines, automatic: [], coupon: auto(), couponCode: 'X', now: NOW });
    expect(o).toMatchObject({ ok: false, reason: 'unknown' });
  });
});

describe('automatic discounts', () => {
  const weekend = auto({
    id: 'p-fashion',
    value: 20,
    departments: ['fashion'],
    startsAt: new Date('2026-06-06T00:00:00Z'),
    endsAt: new Date('2026-06-08T00:00:00Z'),
  });

  it('a department at −20 % applies without a code, in its window only', () => {
    const q = ok(quote({ currency: 'EUR', lines, automatic: [weekend], now: NOW }));
    expect(q.discount).toBe(799); // 20 % of 3,998
    expect(q.lines.map((l) => l.discount)).toEqual([799, 0, 0]);
    const monday = new Date('2026-06-08T00:00:00Z');
    expect(ok(quote({ currency: 'EUR', lines, automatic: [weekend], now: monday })).discount).toBe(0);
  });

  it('a line takes one automatic discount, the best first; another takes the lines left', () => {
    const everything5 = auto({ id: 'p-all', value: 5 });
    const q = ok(quote({ currency: 'EUR', lines, automatic: [everything5, weekend], now: NOW }));
    // fashion −20 % (799) beats 5 % of everything (337): it takes TEE-1; 5 % then applies to the other two.
    expect(q.applied.map((a) => [a.promotionId, a.discount])).toEqual([
      ['p-fashion', 799],
      ['p-all', 137], // 5 % of 2,750
    ]);
    expect(q.lines.map((l) => l.discount)).toEqual([799, 62, 75]);
  });

  it('an automatic discount whose minimum is not met is left out, not refused', () => {
    const big = auto({ minSubtotal: 100_000, currency: 'EUR' });
    const q = ok(quote({ currency: 'EUR', lines, automatic: [big], now: NOW }));
    expect(q).toMatchObject({ discount: 0, applied: [] });
  });

  it('a coupon stacks on top, on what the automatic discount left of its lines', () => {
    const q = ok(
      quote({
        currency: 'EUR',
        lines,
        automatic: [weekend],
        coupon: promo({ departments: ['fashion'] }),
        couponCode: 'SAVE10',
        now: NOW,
      }),
    );
    expect(q.applied.map((a) => a.discount)).toEqual([799, 319]); // 10 % of 3,199
    expect(q.lines[0]?.discount).toBe(1_118);
  });
});

describe('invariants over any order', () => {
  const line = fc.record({
    sku: fc.constantFrom('A-1', 'B-2', 'C-3', 'D-4'),
    department: fc.option(fc.constantFrom('fashion', 'kitchen'), { nil: undefined }),
    quantity: fc.integer({ min: 1, max: 1_000 }),
    unitPrice: fc.integer({ min: 0, max: 100_000_000 }),
  });
  const promotion = fc.record({
    kind: fc.constantFrom('percent' as const, 'fixed' as const),
    value: fc.integer({ min: 1, max: 100 }),
    fixedValue: fc.integer({ min: 1, max: 100_000_000 }),
    skus: fc.subarray(['A-1', 'B-2', 'C-3', 'D-4']),
    departments: fc.subarray(['fashion', 'kitchen']),
    minSubtotal: fc.integer({ min: 0, max: 1_000_000 }),
  });
  type Drawn = {
    kind: 'percent' | 'fixed';
    value: number;
    fixedValue: number;
    skus: string[];
    departments: string[];
    minSubtotal: number;
  };
  const toPromo = (p: Drawn, id: string, code: string | null) =>
    promo({
      id,
      code,
      kind: p.kind,
      value: p.kind === 'percent' ? p.value : p.fixedValue,
      currency: 'EUR',
      skus: p.skus,
      departments: p.departments,
      minSubtotal: p.minSubtotal,
    });

  it('integers; no line below zero; lines add up to the discount; total = subtotal − discount ≥ 0', () => {
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 20 }),
        fc.array(promotion, { maxLength: 4 }),
        fc.option(promotion, { nil: undefined }),
        (ls, autos, coupon) => {
          const o = quote({
            currency: 'EUR',
            lines: ls,
            automatic: autos.map((p, i) => toPromo(p, `a${i}`, null)),
            coupon: coupon && toPromo(coupon, 'c', 'CODE'),
            couponCode: coupon && 'CODE',
            now: NOW,
          });
          if (!o.ok) return;
          const q = o.quote;
          expect(q.subtotal).toBe(ls.reduce((s, l) => s + l.quantity * l.unitPrice, 0));
          expect(q.lines.reduce((s, l) => s + l.discount, 0)).toBe(q.discount);
          expect(q.applied.reduce((s, a) => s + a.discount, 0)).toBe(q.discount);
          expect(q.total).toBe(q.subtotal - q.discount);
          expect(q.total).toBeGreaterThanOrEqual(0);
          q.lines.forEach((l) => {
            expect(Number.isInteger(l.discount)).toBe(true);
            expect(l.discount).toBeGreaterThanOrEqual(0);
            expect(l.discount).toBeLessThanOrEqual(l.quantity * l.unitPrice);
          });
        },
      ),
    );
  });
});
