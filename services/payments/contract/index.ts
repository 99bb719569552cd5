import { z } from 'zod';

// The payments service's wire contract, shared with orders through client/. Payments is reached
// only by orders (service invocation) and by providers' webhooks (relayed by the gateway).

export const PROVIDERS = ['test', 'stripe', 'paypal', 'adyen'] as const;
export type Provider = (typeof PROVIDERS)[number];

const OrderId = z.uuid();
const Money = z.strictObject({ amount: z.int().min(1).max(100_000_000), currency: z.string().regex(/^[A-Z]{3}$/) });

/**
 * Authorize an order's total. Idempotent by orderId: a repeated call answers the first outcome and
 * never authorizes twice (the provider call carries the key `<orderId>:authorize`).
 */
export const AuthorizeBody = z.strictObject({
  orderId: OrderId,
  customerId: z.string().min(1).max(64),
  amount: Money,
  provider: z.enum(PROVIDERS),
  /** The provider's payment method token (test provider: tok_visa, tok_chargeDeclined, tok_timeout). */
  token: z.string().min(1).max(500),
});
export type AuthorizeRequest = z.infer<typeof AuthorizeBody>;

/** A refund of part or all of the captured amount; idempotent by refundId. */
export const RefundBody = z.strictObject({
  refundId: z.string().regex(/^[A-Za-z0-9:_-]{1,100}$/),
  amount: z.int().min(1).max(100_000_000),
});
export type RefundRequest = z.infer<typeof RefundBody>;

export const OrderIdParams = z.strictObject({ orderId: OrderId });

/**
 * `?customerId=` on every call addressed by order id (get, capture, void, refunds, ledger): the
 * order's customer, when the caller knows it (orders always does). Payments then reads that
 * customer's shard only (deploy/k8s/sharding) instead of every shard, and a payment of another
 * customer is not found. A void that finds no payment leaves a cancelled tombstone that must sit
 * where the payment would (the customer's shard) to refuse a late authorization.
 */
export const CustomerQuery = z.strictObject({ customerId: z.string().min(1).max(64).optional() });

export type PaymentStatus = 'authorized' | 'captured' | 'voided' | 'refunded' | 'partially_refunded';

export interface PaymentDto {
  orderId: string;
  provider: Provider;
  status: PaymentStatus;
  amount: { amount: number; currency: string };
  /** Minor units captured so far and refunded so far. */
  captured: number;
  refunded: number;
  createdAt: string;
  updatedAt: string;
}

/** The ledger's view of one order: what came in must equal what went out plus what is held. */
export interface ReconciliationDto {
  orderId: string;
  currency: string;
  authorized: number;
  captured: number;
  voided: number;
  refunded: number;
  /** Still held at the provider (authorized, neither captured nor voided). */
  held: number;
  balanced: boolean;
}

export const PAYMENT_EVENTS = {
  authorized: 'payments.authorized',
  captured: 'payments.captured',
  voided: 'payments.voided',
  refunded: 'payments.refunded',
} as const;

/**
 * The data of every payments.* event (CloudEvent id: `payments:<orderId>:<step>`, the step's
 * idempotency key, so a consumer deduplicates on it). Figures are the payment's after the step.
 */
export interface PaymentEventData {
  orderId: string;
  customerId: string;
  provider: Provider;
  status: PaymentStatus;
  amount: { amount: number; currency: string };
  captured: number;
  refunded: number;
  /** payments.refunded only. */
  refundId?: string;
  refundAmount?: number;
  occurredAt: string;
}

/** Stable problem codes callers branch on. */
export const PAYMENT_ERRORS = {
  declined: 'PAYMENT.DECLINED', // 402: the provider refused; nothing is held
  unavailable: 'PAYMENT.UNAVAILABLE', // 503: the provider did not answer in time or the breaker is open; nothing is held
  notFound: 'PAYMENT.NOT_FOUND', // 404
  invalidState: 'PAYMENT.INVALID_STATE', // 409: e.g. capture after void, refund above the captured amount
  // Added with the service:
  requestMismatch: 'PAYMENT.REQUEST_MISMATCH', // 422: the same order (or refund id) again with other values
  providerUnsupported: 'PAYMENT.PROVIDER_UNSUPPORTED', // 422: no credentials for that provider here
  inProgress: 'PAYMENT.IN_PROGRESS', // 503 + Retry-After: another call for the order is still at the provider
} as const;
