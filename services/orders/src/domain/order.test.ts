import { describe, expect, it } from 'vitest';
import {
  canMove,
  fullyReturned,
  moveTo,
  type Order,
  planReturn,
  priceLines,
  RETURN_WINDOW_DAYS,
  warrantyRefundAmount,
} from './order';

const base = (over: Partial<Order> = {}): Order => ({
  id: 'o1',
  customerId: 'c1',
  customerEmail: 'c@example.test',
  status: 'confirmed',
  sagaStep: 'done',
  currency: 'EUR',
  lines: [
    { sku: 'A-1', name: 'A', quantity: 2, unitPrice: 1000, returned: 0, reservationId: 'o1:0' },
    { sku: 'B-1', name: 'B', quantity: 1, unitPrice: 500, returned: 0, reservationId: 'o1:1' },
  ],
  subtotal: 2500,
  discount: 0,
  total: 2500,
  shippingAddress: { name: 'n', line1: 'l', city: 'c', postalCode: 'p', country: 'DE' },
  paymentProvider: 'test',
  version: 3,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  ...over,
});

describe('order lifecycle', () => {
  it('allows exactly the documented moves', () => {
    expect(canMove('pending', 'confirmed')).toBe(true);
    expect(canMove('confirmed', 'shipped')).toBe(true);
    expect(canMove('shipped', 'delivered')).toBe(true);
    expect(canMove('delivered', 'returned')).toBe(true);
    expect(canMove('confirmed', 'cancelled')).toBe(true);
    for (const [from, to] of [
      ['shipped', 'cancelled'],
      ['delivered', 'cancelled'],
      ['cancelled', 'confirmed'],
      ['failed', 'confirmed'],
      ['pending', 'shipped'],
      ['returned', 'delivered'],
    ] as const) {
      expect(canMove(from, to)).toBe(false);
    }
  });

  it('refuses a cancel after shipment with ORDER.NOT_CANCELLABLE and other illegal moves with ORDER.INVALID_TRANSITION', () => {
    expect(() => moveTo(base({ status: 'shipped' }), 'cancelled', new Date())).toThrow(
      expect.objectContaining({ code: 'ORDER.NOT_CANCELLABLE' }),
    );
    expect(() => moveTo(base({ status: 'pending' }), 'delivered', new Date())).toThrow(
      expect.objectContaining({ code: 'ORDER.INVALID_TRANSITION' }),
    );
  });

  it('bumps the version and stamps delivery', () => {
    const now = new Date(1_000);
    const delivered = moveTo(base({ status: 'shipped' }), 'delivered', now);
    expect(delivered.version).toBe(4);
    expect(delivered.deliveredAt).toEqual(now);
  });
});

describe('pricing', () => {
  it('sums integer minor units and refuses mixed currencies', () => {
    expect(priceLines(base().lines, ['EUR', 'EUR'])).toEqual({ currency: 'EUR', subtotal: 2500 });
    expect(() => priceLines(base().lines, ['EUR', 'USD'])).toThrow(
      expect.objectContaining({ code: 'ORDER.MIXED_CURRENCY' }),
    );
  });
});

describe('returns', () => {
  const delivered = (daysAgo: number) =>
    base({ status: 'delivered', deliveredAt: new Date(Date.now() - daysAgo * 86_400_000) });

  it('refunds what was paid for the returned units, free of fees', () => {
    const plan = planReturn(delivered(1), [{ sku: 'A-1', quantity: 1 }], new Date());
    expect(plan.refund).toBe(1000);
    expect(plan.lines[0]?.returned).toBe(1);
    expect(fullyReturned(plan.lines)).toBe(false);
  });

  it('takes its share of a discount off, never refunding more than was paid', () => {
    const o = { ...delivered(1), discount: 250, total: 2250 };
    const all = planReturn(
      o,
      [
        { sku: 'A-1', quantity: 2 },
        { sku: 'B-1', quantity: 1 },
      ],
      new Date(),
    );
    expect(all.refund).toBe(2250);
    expect(fullyReturned(all.lines)).toBe(true);
    const one = planReturn(o, [{ sku: 'B-1', quantity: 1 }], new Date());
    expect(one.refund).toBe(450);
  });

  it('refuses more units than are left, and returns after the window', () => {
    const o = delivered(1);
    o.lines[0] = { ...(o.lines[0] as Order['lines'][number]), returned: 2 };
    expect(() => planReturn(o, [{ sku: 'A-1', quantity: 1 }], new Date())).toThrow(
      expect.objectContaining({ code: 'ORDER.RETURN_QUANTITY' }),
    );
    expect(() => planReturn(delivered(RETURN_WINDOW_DAYS + 1), [{ sku: 'B-1', quantity: 1 }], new Date())).toThrow(
      expect.objectContaining({ code: 'ORDER.RETURN_WINDOW_CLOSED' }),
    );
    expect(() => planReturn(base(), [{ sku: 'B-1', quantity: 1 }], new Date())).toThrow(
      expect.objectContaining({ code: 'ORDER.INVALID_TRANSITION' }),
    );
  });

  it('applies the department exceptions: opened electronics 15 days, final sale never', () => {
    const o = (daysAgo: number) => {
      const d = delivered(daysAgo);
      d.lines = [
        { ...(d.lines[0] as Order['lines'][number]), department: 'electronics' },
        { ...(d.lines[1] as Order['lines'][number]), finalSale: true },
      ];
      return d;
    };
    expect(() => planReturn(o(16), [{ sku: 'A-1', quantity: 1, opened: true }], new Date())).toThrow(
      expect.objectContaining({ code: 'ORDER.RETURN_WINDOW_CLOSED', details: expect.objectContaining({ days: 15 }) }),
    );
    expect(planReturn(o(16), [{ sku: 'A-1', quantity: 1 }], new Date()).lines[0]).toMatchObject({
      returned: 1,
      department: 'electronics',
    });
    expect(() => planReturn(o(0), [{ sku: 'B-1', quantity: 1 }], new Date())).toThrow(
      expect.objectContaining({ code: 'ORDER.RETURN_FINAL_SALE' }),
    );
  });
});

describe('warranty refunds', () => {
  it('gives one unit back at its paid price less its discount share, never more than a return would', () => {
    expect(warrantyRefundAmount(base(), 'A-1')).toBe(1000);
    const discounted = { ...base(), discount: 250, total: 2250 };
    expect(warrantyRefundAmount(discounted, 'A-1')).toBe(900);
    expect(warrantyRefundAmount(discounted, 'B-1')).toBe(450);
    expect(warrantyRefundAmount(base(), 'Z-9')).toBeUndefined();
  });
});
