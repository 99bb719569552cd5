import type { Sidecar } from '@dbcarts/dapr';
import {
  AuthorizeBody,
  type AuthorizeRequest,
  type PaymentDto,
  type ReconciliationDto,
  RefundBody,
  type RefundRequest,
} from '../contract';

export type {
  AuthorizeRequest,
  PaymentDto,
  PaymentStatus,
  Provider,
  ReconciliationDto,
  RefundRequest,
} from '../contract';
export { PAYMENT_ERRORS, PAYMENT_EVENTS, PROVIDERS } from '../contract';

export const PAYMENTS_APP_ID = 'payments';

/**
 * The only way other services (orders) talk to payments: Dapr service invocation through their
 * sidecar. Every call is idempotent by order (and refund id), so a caller that lost an answer
 * repeats the call. Refusals arrive as UpstreamProblemError with the codes in PAYMENT_ERRORS.
 */
export interface PaymentsClient {
  /** 201 authorized; 402 PAYMENT.DECLINED; 503 PAYMENT.UNAVAILABLE (nothing held in either). */
  authorize(req: AuthorizeRequest): Promise<PaymentDto>;
  // `customerId` on the calls below: the order's customer, so payments reads that customer's shard
  // only (CustomerQuery); without it, every shard. A payment of another customer is not found.
  /** Captures the whole authorized amount (at shipment); repeated → the same payment. */
  capture(orderId: string, customerId?: string): Promise<PaymentDto>;
  /**
   * Releases an authorization (cancel before capture, saga compensation). Safe on an order that
   * has no payment or whose authorization timed out: it makes sure nothing stays held.
   */
  void(orderId: string, customerId?: string): Promise<PaymentDto | null>;
  /** Refunds captured money (cancel after capture, returns); idempotent by refundId. */
  refund(orderId: string, req: RefundRequest, customerId?: string): Promise<PaymentDto>;
  get(orderId: string, customerId?: string): Promise<PaymentDto | null>;
  reconcile(orderId: string, customerId?: string): Promise<ReconciliationDto>;
}

// 6 s: above the provider's own bound (PAYMENT_PROVIDER_TIMEOUT_MS, 4 s), so payments says what failed.
export function createPaymentsClient(sidecar: Sidecar, appId = PAYMENTS_APP_ID, timeoutMs = 6_000): PaymentsClient {
  const seg = encodeURIComponent;
  const call = async <T>(method: string, path: string, body?: unknown, query?: Record<string, string>) =>
    (await sidecar.invokeService<T>(appId, method, path, { body, timeoutMs, ...(query ? { query } : {}) })).body;
  const orNull = async <T>(p: Promise<T>): Promise<T | null> => {
    try {
      return await p;
    } catch (e) {
      if ((e as { problem?: { status?: number } }).problem?.status === 404) return null;
      throw e;
    }
  };
  return {
    authorize: (req) => call('POST', 'payments', AuthorizeBody.parse(req)),
    capture: (orderId, customerId) =>
      call('POST', `payments/${seg(orderId)}/capture`, undefined, customerQuery(customerId)),
    void: (orderId, customerId) =>
      orNull(call<PaymentDto>('POST', `payments/${seg(orderId)}/void`, undefined, customerQuery(customerId))),
    refund: (orderId, req, customerId) =>
      call('POST', `payments/${seg(orderId)}/refunds`, RefundBody.parse(req), customerQuery(customerId)),
    get: (orderId, customerId) =>
      orNull(call<PaymentDto>('GET', `payments/${seg(orderId)}`, undefined, customerQuery(customerId))),
    reconcile: (orderId, customerId) => call('GET', `ledger/${seg(orderId)}`, undefined, customerQuery(customerId)),
  };
}

function customerQuery(customerId: string | undefined): Record<string, string> | undefined {
  return customerId ? { customerId } : undefined;
}
