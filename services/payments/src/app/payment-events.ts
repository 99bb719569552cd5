import { PAYMENT_EVENTS, type PaymentEventData } from '../../contract';
import type { Payment } from '../domain/payment';
import type { OutboxEvent } from './ports/payment.repository.port';

type Kind = keyof typeof PAYMENT_EVENTS;

/**
 * The event announcing a step, built from the payment as the step leaves it. Its id is the step's
 * idempotency key: a step is booked once, so it is announced once, and a consumer that sees the
 * id again (a relay retry) drops it.
 */
export function paymentEvent(kind: Kind, key: string, p: Payment, refund?: { refundId: string; amount: number }) {
  const data: PaymentEventData = {
    orderId: p.orderId,
    customerId: p.customerId,
    provider: p.provider,
    status: kind === 'refunded' ? (p.refunded >= p.captured ? 'refunded' : 'partially_refunded') : kind,
    amount: { amount: p.amount, currency: p.currency },
    captured: p.captured,
    refunded: p.refunded,
    ...(refund ? { refundId: refund.refundId, refundAmount: refund.amount } : {}),
    occurredAt: new Date().toISOString(),
  };
  const event: OutboxEvent = { id: `payments:${key}`, topic: PAYMENT_EVENTS[kind], data };
  return event;
}
