import { describe, expect, it } from 'vitest';
import {
  decideReturn,
  isReturnReason,
  OPENED_ELECTRONICS_WINDOW_DAYS,
  type PolicyLine,
  RETURN_WINDOW_DAYS,
  returnableUntil,
  returnWindowDays,
} from './index';

const DAY = 86_400_000;
const delivered = new Date('2026-01-01T12:00:00Z');
const after = (days: number) => new Date(delivered.getTime() + days * DAY);
const line = (over: Partial<PolicyLine> = {}): PolicyLine => ({
  sku: 'A-1',
  quantity: 1,
  returned: 0,
  unitPrice: 1000,
  department: 'fashion',
  ...over,
});
const order = (lines: PolicyLine[], discount = 0) => ({
  deliveredAt: delivered,
  lines,
  subtotal: lines.reduce((s, l) => s + l.quantity * l.unitPrice, 0),
  discount,
});

describe('return windows', () => {
  it('gives 30 days, 15 for opened electronics, none for final sale', () => {
    expect(returnWindowDays({ department: 'fashion' })).toBe(RETURN_WINDOW_DAYS);
    expect(returnWindowDays({ department: 'electronics' })).toBe(30);
    expect(returnWindowDays({ department: 'electronics' }, true)).toBe(OPENED_ELECTRONICS_WINDOW_DAYS);
    expect(returnWindowDays({ department: 'fashion' }, true)).toBe(30);
    expect(returnWindowDays({ department: 'electronics', finalSale: true })).toBe(0);
    expect(returnableUntil(delivered, { department: 'electronics' }, true)).toEqual(after(15));
    expect(returnableUntil(delivered, { finalSale: true })).toBeNull();
  });

  it('accepts on day 30 and refuses after it', () => {
    expect(decideReturn(order([line()]), [{ sku: 'A-1', quantity: 1 }], after(30)).ok).toBe(true);
    expect(decideReturn(order([line()]), [{ sku: 'A-1', quantity: 1 }], after(30.01))).toEqual({
      ok: false,
      refusal: { code: 'ORDER.RETURN_WINDOW_CLOSED', sku: 'A-1', days: 30 },
    });
  });

  it('refuses opened electronics after 15 days but takes unopened ones until 30', () => {
    const tv = line({ sku: 'TV-1', department: 'electronics' });
    expect(decideReturn(order([tv]), [{ sku: 'TV-1', quantity: 1, opened: true }], after(14)).ok).toBe(true);
    expect(decideReturn(order([tv]), [{ sku: 'TV-1', quantity: 1, opened: true }], after(16))).toEqual({
      ok: false,
      refusal: { code: 'ORDER.RETURN_WINDOW_CLOSED', sku: 'TV-1', days: 15 },
    });
    expect(decideReturn(order([tv]), [{ sku: 'TV-1', quantity: 1, opened: false }], after(16)).ok).toBe(true);
  });

  it('never takes back a final-sale item, even on the day of delivery', () => {
    const d = decideReturn(order([line({ finalSale: true })]), [{ sku: 'A-1', quantity: 1 }], delivered);
    expect(d).toEqual({ ok: false, refusal: { code: 'ORDER.RETURN_FINAL_SALE', sku: 'A-1' } });
  });
});

describe('partial returns', () => {
  it('takes a 3-unit line back in parts and refuses returning more than was bought', () => {
    const first = decideReturn(order([line({ quantity: 3 })]), [{ sku: 'A-1', quantity: 2 }], after(1));
    if (!first.ok) throw new Error('refused');
    expect(first.plan.lines[0]?.returned).toBe(2);
    const second = decideReturn(order(first.plan.lines), [{ sku: 'A-1', quantity: 1 }], after(2));
    if (!second.ok) throw new Error('refused');
    expect(decideReturn(order(second.plan.lines), [{ sku: 'A-1', quantity: 1 }], after(3))).toEqual({
      ok: false,
      refusal: { code: 'ORDER.RETURN_QUANTITY', sku: 'A-1', returnable: 0 },
    });
  });

  it('counts a SKU listed twice in one request together', () => {
    const d = decideReturn(
      order([line({ quantity: 2 })]),
      [
        { sku: 'A-1', quantity: 2 },
        { sku: 'A-1', quantity: 1 },
      ],
      after(1),
    );
    expect(d).toEqual({ ok: false, refusal: { code: 'ORDER.RETURN_QUANTITY', sku: 'A-1', returnable: 0 } });
  });

  it('refuses a SKU the order does not have', () => {
    expect(decideReturn(order([line()]), [{ sku: 'Z-9', quantity: 1 }], after(1))).toEqual({
      ok: false,
      refusal: { code: 'ORDER.RETURN_QUANTITY', sku: 'Z-9', returnable: 0 },
    });
  });
});

describe('refunds', () => {
  it('refunds the paid price with no fee', () => {
    const d = decideReturn(order([line({ quantity: 2, unitPrice: 1999 })]), [{ sku: 'A-1', quantity: 2 }], after(1));
    expect(d.ok && d.plan).toMatchObject({
      refund: 3998,
      fee: 0,
      refunds: [{ sku: 'A-1', quantity: 2, refund: 3998 }],
    });
  });

  it('shares the discount so partial returns add up to exactly what was paid, never more', () => {
    // 3 units at 1 with a discount of 1: paid 2. Per-return rounding alone would refund 1 + 1 + 1.
    let lines = [line({ quantity: 3, unitPrice: 1 })];
    let refunded = 0;
    for (let i = 0; i < 3; i++) {
      const d = decideReturn(order(lines, 1), [{ sku: 'A-1', quantity: 1 }], after(1));
      if (!d.ok) throw new Error('refused');
      refunded += d.plan.refund;
      expect(refunded).toBeLessThanOrEqual(2);
      lines = d.plan.lines;
    }
    expect(refunded).toBe(2);
  });

  it('splits one request refund per line', () => {
    const lines = [line({ sku: 'A-1', unitPrice: 3000 }), line({ sku: 'B-1', unitPrice: 1000 })];
    const d = decideReturn(
      order(lines, 400),
      [
        { sku: 'A-1', quantity: 1 },
        { sku: 'B-1', quantity: 1 },
      ],
      after(1),
    );
    expect(d.ok && d.plan.refunds).toEqual([
      { sku: 'A-1', quantity: 1, refund: 2700 },
      { sku: 'B-1', quantity: 1, refund: 900 },
    ]);
  });
});

it('knows its reasons', () => {
  expect(isReturnReason('changed_mind')).toBe(true);
  expect(isReturnReason('too big')).toBe(false);
});
