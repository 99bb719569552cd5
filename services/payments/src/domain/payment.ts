import {
  InvalidPaymentStateError,
  PaymentDeclinedError,
  PaymentNotFoundError,
  PaymentRequestMismatchError,
} from './payment.errors';

export type ProviderName = 'test' | 'stripe' | 'paypal' | 'adyen';

/**
 * One payment per order. The visible life: authorized → captured → partially_refunded → refunded,
 * or authorized → voided. Before that an authorization is `pending` (being decided), and it can end
 * without money: `declined` (the provider said no), `failed` (no answer: retried with the same
 * provider key, or released by a void) or `cancelled` (voided before anything was authorized; also
 * the tombstone a void leaves when no authorization ever came, so a late one is refused).
 */
export type PaymentStatus =
  | 'pending'
  | 'authorized'
  | 'captured'
  | 'partially_refunded'
  | 'refunded'
  | 'voided'
  | 'declined'
  | 'failed'
  | 'cancelled';

/** The provider call a payment is making; one at a time per payment (the row's lease says who). */
export type Step = 'authorize' | 'capture' | 'void';

export interface Payment {
  orderId: string;
  customerId: string;
  provider: ProviderName;
  currency: string;
  /** Minor units authorized (0 on a tombstone). */
  amount: number;
  /** sha256 of the authorize request: the same order with other values is refused. */
  requestHash: string;
  status: PaymentStatus;
  providerRef?: string;
  /** The provider's id of the capture, where refunds must name it instead of the authorization (PayPal). */
  captureRef?: string;
  captured: number;
  refunded: number;
  /** Refunds taken out of the captured amount, finished or still at the provider. */
  refundReserved: number;
  /** The provider call in flight, if any. */
  step?: Step;
  /** A fencing token: bumped by every claim, so a caller whose claim was taken over cannot write. */
  attempt: number;
  /** A step whose lease has not run out: someone is talking to the provider right now. */
  inFlight: boolean;
  /** An authorization request may have reached the provider (a void must release by key). */
  providerReached: boolean;
  declineCode?: string;
  createdAt: Date;
  updatedAt: Date;
}

/** What a request should do next, decided from the stored payment alone. */
export type Decision =
  | { do: 'answer' } // the payment as it is answers the request (a replay)
  | { do: 'wait' } // another caller is at the provider: wait for its outcome
  | { do: 'call'; step: Step } // claim the step and call the provider
  | { do: 'cancel'; release: boolean }; // no authorization to void: end it, releasing by key first if the provider may hold one

const VISIBLE: ReadonlySet<PaymentStatus> = new Set([
  'authorized',
  'captured',
  'partially_refunded',
  'refunded',
  'voided',
]);

/** Statuses that exist for a caller (GET answers them); the others are 404. */
export function isVisible(p: Payment): boolean {
  return VISIBLE.has(p.status);
}

/** A step abandoned by a crashed caller (lease run out) is taken over by the next request. */
function busy(p: Payment): Decision | undefined {
  if (p.step && p.inFlight) return { do: 'wait' };
  return undefined;
}

/**
 * Authorize is idempotent by order: a replay answers the first outcome (the payment, or the same
 * decline), never a second authorization. `failed` is retried: the provider key is the same
 * (`<orderId>:authorize`), so a provider that did take the first attempt answers it again.
 */
export function decideAuthorize(p: Payment, requestHash: string): Decision {
  if (p.requestHash && p.requestHash !== requestHash) throw new PaymentRequestMismatchError(p.orderId, 'authorization');
  const wait = busy(p);
  if (wait) return wait;
  switch (p.status) {
    case 'pending':
    case 'failed':
      return { do: 'call', step: 'authorize' };
    case 'declined':
      throw new PaymentDeclinedError(p.orderId, p.declineCode);
    case 'authorized':
    case 'captured':
    case 'partially_refunded':
    case 'refunded':
      return { do: 'answer' };
    case 'voided':
    case 'cancelled':
      // Released already: a second authorization for the same order is never made.
      throw new InvalidPaymentStateError(p.orderId, p.status, 'authorize');
  }
}

/** Capture takes the whole authorized amount, once (`<orderId>:capture`); a replay answers the payment. */
export function decideCapture(p: Payment): Decision {
  const wait = busy(p);
  if (wait) return wait;
  switch (p.status) {
    case 'authorized':
      return { do: 'call', step: 'capture' };
    case 'captured':
    case 'partially_refunded':
    case 'refunded':
      return { do: 'answer' };
    case 'voided':
      throw new InvalidPaymentStateError(p.orderId, p.status, 'capture');
    default:
      throw new PaymentNotFoundError(p.orderId);
  }
}

/**
 * Void releases an authorization (cancel before capture, saga compensation). On an order whose
 * authorization never completed it makes sure nothing stays held and answers not found.
 */
export function decideVoid(p: Payment): Decision {
  const wait = busy(p);
  if (wait) return wait;
  switch (p.status) {
    case 'authorized':
      return { do: 'call', step: 'void' };
    case 'voided':
      return { do: 'answer' };
    case 'pending':
    case 'failed':
      return { do: 'cancel', release: p.providerReached };
    case 'declined':
    case 'cancelled':
      throw new PaymentNotFoundError(p.orderId);
    default:
      throw new InvalidPaymentStateError(p.orderId, p.status, 'void');
  }
}

/** Refunds draw on the captured amount; the repository reserves it atomically (never above capture). */
export function assertRefundable(p: Payment, amount: number): void {
  if (p.status !== 'captured' && p.status !== 'partially_refunded' && p.status !== 'refunded') {
    if (!isVisible(p)) throw new PaymentNotFoundError(p.orderId);
    throw new InvalidPaymentStateError(p.orderId, p.status, 'refund');
  }
  const left = p.captured - p.refundReserved;
  if (amount > left) throw new InvalidPaymentStateError(p.orderId, p.status, 'refund more than', { refundable: left });
}

/** The provider idempotency key of each step: a retry of the same step never moves money twice. */
export function providerKey(orderId: string, step: Step | `refund:${string}`): string {
  return `${orderId}:${step}`;
}
