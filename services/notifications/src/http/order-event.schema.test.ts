import { describe, expect, it } from 'vitest';
import { OrderEventBody } from './order-event.schema';

const usd = (amount: number) => ({ amount, currency: 'USD' });
const event = {
  orderId: 'b3c1d2e4-0000-4000-8000-000000000002',
  customerId: 'c1',
  customerEmail: 'ada@example.test',
  status: 'confirmed',
  items: [{ sku: 'TOY-9', name: 'Train', quantity: 1, unitPrice: usd(250), returned: 0 }],
  subtotal: usd(250),
  discount: usd(0),
  total: usd(250),
  shippingAddress: { name: 'Ada', line1: '1 Way', city: 'X', postalCode: '1', country: 'US' },
  occurredAt: '2026-01-01T00:00:00.000Z',
  version: 2,
};

describe('order event body (values that reach email headers)', () => {
  it('reads the producer’s full event, fields it does not use included', () => {
    expect(OrderEventBody.safeParse(event).success).toBe(true);
  });

  it('refuses a recipient list or header injection in the address', () => {
    for (const customerEmail of ['a@x.test;b@y.test', 'a@x.test, b@y.test', 'a@x.test\r\nBcc: b@y.test', 'nobody']) {
      expect(OrderEventBody.safeParse({ ...event, customerEmail }).success, customerEmail).toBe(false);
    }
  });

  it('refuses an order id that could break the subject header', () => {
    expect(OrderEventBody.safeParse({ ...event, orderId: 'x\r\nBcc: b@y.test' }).success).toBe(false);
  });

  it('refuses an order with no lines or money without a currency', () => {
    expect(OrderEventBody.safeParse({ ...event, items: [] }).success).toBe(false);
    expect(OrderEventBody.safeParse({ ...event, total: { amount: 250 } }).success).toBe(false);
  });
});
