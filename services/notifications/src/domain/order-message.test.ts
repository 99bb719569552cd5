import { describe, expect, it } from 'vitest';
import type { OrderFacts } from './notification';
import { composeOrderMessage, formatMoney } from './order-message';

const usd = (amount: number) => ({ amount, currency: 'USD' });
const order: OrderFacts = {
  orderId: '6f1c2a34-0000-4000-8000-000000000001',
  customerId: 'c1',
  customerEmail: 'ada@example.test',
  items: [
    { sku: 'TOY-1', name: 'Wooden train', quantity: 2, unitPrice: usd(1999), returned: 0 },
    { sku: 'HOM-2', name: 'Lamp', quantity: 1, unitPrice: usd(4500), returned: 0 },
  ],
  subtotal: usd(8498),
  discount: usd(0),
  total: usd(8498),
  occurredAt: '2026-01-01T00:00:00.000Z',
};

describe('order messages', () => {
  it('formats minor units in the currency’s own decimals', () => {
    expect(formatMoney(usd(1999))).toBe('$19.99');
    expect(formatMoney({ amount: 1999, currency: 'JPY' })).toBe('¥1,999');
    expect(formatMoney({ amount: 5, currency: 'EUR' })).toBe('€0.05');
  });

  it('every kind names the order in its subject and lists every line with its total', () => {
    for (const kind of ['order_confirmed', 'order_shipped', 'order_cancelled', 'order_refunded'] as const) {
      const m = composeOrderMessage(kind, order);
      expect(m.subject).toContain(order.orderId);
      expect(m.lines).toEqual([
        { sku: 'TOY-1', name: 'Wooden train', quantity: 2, unitPrice: '$19.99', lineTotal: '$39.98' },
        { sku: 'HOM-2', name: 'Lamp', quantity: 1, unitPrice: '$45.00', lineTotal: '$45.00' },
      ]);
      expect(m.totals.at(-1)).toEqual(
        kind === 'order_refunded' ? expect.anything() : { label: 'Total', value: '$84.98' },
      );
    }
  });

  it('a discount is shown only when there is one', () => {
    expect(composeOrderMessage('order_confirmed', order).totals.map((t) => t.label)).toEqual(['Subtotal', 'Total']);
    const discounted = composeOrderMessage('order_confirmed', { ...order, discount: usd(500), total: usd(7998) });
    expect(discounted.totals).toContainEqual({ label: 'Discount', value: '-$5.00' });
  });

  it('a refund message states the amount refunded', () => {
    const m = composeOrderMessage('order_refunded', { ...order, refund: usd(1999) });
    expect(m.subject).toBe(`Refund for your DBcarts order ${order.orderId}`);
    expect(m.headline).toContain('refunded $19.99');
    expect(m.totals).toContainEqual({ label: 'Refunded', value: '$19.99' });
  });
});
