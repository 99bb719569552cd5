import { PaymentDeclinedError, PaymentRequestMismatchError } from './payment.errors';

/**
 * A refund of captured money, idempotent by (order, refundId). `pending` while the provider is being
 * asked (its amount already reserved against the capture, so concurrent refunds can never add up to
 * more than was captured); `declined` gave its reservation back.
 */
export interface Refund {
  orderId: string;
  /** The payment's customer: the shard key of every statement on the refund's rows. */
  customerId: string;
  refundId: string;
  amount: number;
  status: 'pending' | 'succeeded' | 'declined';
  attempt: number;
  /** Someone holds the lease and is at the provider right now. */
  inFlight: boolean;
  providerRef?: string;
}

/** A replayed refund id answers its first outcome; an abandoned or unanswered one is asked again (same key). */
export function decideRefund(r: Refund, amount: number): 'answer' | 'wait' | 'call' {
  if (r.amount !== amount) throw new PaymentRequestMismatchError(r.orderId, `refund ${r.refundId}`);
  if (r.status === 'succeeded') return 'answer';
  if (r.status === 'declined') throw new PaymentDeclinedError(r.orderId, 'refund_declined');
  return r.inFlight ? 'wait' : 'call';
}
