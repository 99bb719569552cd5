import { DEFAULT_RETRY_AFTER_SECONDS, DomainError } from '@dbcarts/errors';

// Codes match PAYMENT_ERRORS in contract/ (callers branch on them); only packages/http picks statuses.

/** The provider refused (card declined, unknown token): nothing is held. */
export class PaymentDeclinedError extends DomainError {
  readonly code = 'PAYMENT.DECLINED';
  readonly kind = 'payment_required';
  constructor(orderId: string, declineCode = 'card_declined') {
    super('The payment was declined.', { orderId, declineCode });
  }
}

/**
 * The provider did not answer in time, failed, or its breaker is open. `reached` says whether the
 * request may have got to the provider (a timeout: the outcome is unknown, so a void releases by
 * idempotency key) or certainly did not (open breaker: nothing can be held). The reason is internal.
 */
export class PaymentUnavailableError extends DomainError {
  readonly code = 'PAYMENT.UNAVAILABLE';
  readonly kind = 'unavailable';
  constructor(
    readonly reason: string,
    readonly reached: boolean,
  ) {
    super(`payment provider unavailable: ${reason}`, { retryAfterSeconds: DEFAULT_RETRY_AFTER_SECONDS });
  }

  override get publicDetail(): string {
    return 'The payment provider is unavailable; nothing was charged. Try again shortly.';
  }
}

export class PaymentNotFoundError extends DomainError {
  readonly code = 'PAYMENT.NOT_FOUND';
  readonly kind = 'not_found';
  constructor(orderId: string) {
    super(`No payment for order ${orderId}`, { orderId });
  }
}

/** A move the state machine does not allow (capture after void, refund above the captured amount). */
export class InvalidPaymentStateError extends DomainError {
  readonly code = 'PAYMENT.INVALID_STATE';
  readonly kind = 'conflict';
  constructor(orderId: string, status: string, action: string, extra: Record<string, unknown> = {}) {
    super(`Cannot ${action} a payment that is ${status}`, { orderId, status, action, ...extra });
  }
}

/** The same order (or refund id) again with a different amount, currency, provider or token. */
export class PaymentRequestMismatchError extends DomainError {
  readonly code = 'PAYMENT.REQUEST_MISMATCH';
  readonly kind = 'rejected';
  constructor(orderId: string, what: string) {
    super(`This ${what} was already requested for order ${orderId} with other values`, { orderId });
  }
}

/** A provider this deployment has no credentials for. */
export class ProviderNotConfiguredError extends DomainError {
  readonly code = 'PAYMENT.PROVIDER_UNSUPPORTED';
  readonly kind = 'rejected';
  constructor(provider: string) {
    super(`The payment provider ${provider} is not available here`, { provider });
  }
}

/** Another request for the same order is still talking to the provider beyond the wait bound. */
export class PaymentBusyError extends DomainError {
  readonly code = 'PAYMENT.IN_PROGRESS';
  readonly kind = 'unavailable';
  constructor(orderId: string) {
    super(`A payment operation for order ${orderId} is still in progress; retry shortly.`, {
      orderId,
      retryAfterSeconds: 1,
    });
  }
}

/**
 * This caller's claim on a step ran out and another caller took it over mid-call: it must stop
 * before moving money (the other caller goes on with the same provider key).
 */
export class StepTakenOverError extends DomainError {
  readonly code = 'PAYMENT.IN_PROGRESS';
  readonly kind = 'unavailable';
  constructor(orderId: string) {
    super(`Another request took over the payment of order ${orderId}; retry shortly.`, {
      orderId,
      retryAfterSeconds: 1,
    });
  }
}
