import { randomUUID } from 'node:crypto';
import type { OrderEvent } from '@dbcarts/orders/contract';
import type { TestStack } from '@dbcarts/testing';

// Test events in the shape the orders service publishes (services/orders/contract OrderEvent): the
// orders service is built in parallel, so these tests publish its events themselves, through a
// sidecar and the real broker, with their own CloudEvent ids as its outbox relay does.

const usd = (amount: number) => ({ amount, currency: 'USD' });

export interface Customer {
  id: string;
  email: string;
}

export function newCustomer(stack: TestStack): Customer {
  return { id: randomUUID(), email: `${stack.uniqueId('buyer').toLowerCase()}@example.test` };
}

export function orderEvent(customer: Customer, overrides: Partial<OrderEvent> = {}): OrderEvent {
  return {
    orderId: randomUUID(),
    customerId: customer.id,
    customerEmail: customer.email,
    status: 'confirmed',
    items: [
      { sku: 'TOY-TRAIN-01', name: 'Wooden train <deluxe>', quantity: 2, unitPrice: usd(1999), returned: 0 },
      { sku: 'HOM-LAMP-02', name: 'Desk lamp', quantity: 1, unitPrice: usd(4500), returned: 0 },
    ],
    subtotal: usd(8498),
    discount: usd(0),
    total: usd(8498),
    shippingAddress: { name: 'Ada Buyer', line1: '1 Test Way', city: 'Testville', postalCode: '12345', country: 'US' },
    occurredAt: new Date().toISOString(),
    version: 1,
    ...overrides,
  };
}

/** Through the notifications app's sidecar and the real broker, with our CloudEvent id, as the orders outbox relay does. */
export function publish(stack: TestStack, topic: string, data: unknown, id = randomUUID()): Promise<void> {
  return stack.sidecar('notifications').publish('pubsub', topic, data, { id });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `probe` answers something truthy; the elapsed ms. */
export async function within<T>(
  ms: number,
  probe: () => Promise<T | undefined | false>,
): Promise<{ value: T; ms: number }> {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    if (value) return { value, ms: Date.now() - start };
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms`);
    await sleep(20);
  }
}
