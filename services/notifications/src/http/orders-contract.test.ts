import { ORDER_EVENTS, type OrderEvent } from '@dbcarts/orders/contract';
import { describe, expect, it } from 'vitest';
import { ORDER_TOPICS } from '../domain/notification';
import { OrderEventBody } from './order-event.schema';

// The orders service owns the event contract; this service reads it tolerantly with its own schema
// (no build-time link: workspaces build in list order). These checks keep the two in step.
describe('the orders contract this service consumes', () => {
  it('every topic subscribed to is one orders publishes', () => {
    const published: string[] = Object.values(ORDER_EVENTS);
    for (const topic of ORDER_TOPICS) expect(published).toContain(topic);
  });

  it('an event typed by the orders contract passes this service’s schema', () => {
    const usd = (amount: number) => ({ amount, currency: 'USD' });
    const event: OrderEvent = {
      orderId: '7a0c3f0e-0000-4000-8000-000000000003',
      customerId: '5b9d1e2f-0000-4000-8000-000000000004',
      customerEmail: 'ada@example.test',
      status: 'returned',
      items: [{ sku: 'TOY-1', name: 'Train', quantity: 2, unitPrice: usd(1999), returned: 1 }],
      subtotal: usd(3998),
      discount: usd(0),
      total: usd(3998),
      shippingAddress: { name: 'Ada', line1: '1 Way', city: 'X', postalCode: '1', country: 'US' },
      refund: usd(1999),
      occurredAt: new Date().toISOString(),
      version: 4,
    };
    expect(OrderEventBody.parse(event)).toMatchObject({ orderId: event.orderId, refund: usd(1999) });
  });
});
