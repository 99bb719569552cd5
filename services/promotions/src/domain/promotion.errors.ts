import { DomainError } from '@dbcarts/errors';

// Codes match PROMOTION_ERRORS in contract/ (callers branch on them); only packages/http picks statuses.
// A coupon that cannot be used is the request's problem (the customer removes or changes it), so the
// three refusals of a checkout are all `rejected` (422) and differ by code.

export type InvalidReason =
  | 'unknown'
  | 'inactive'
  | 'not_started'
  | 'ended'
  | 'currency'
  | 'not_eligible'
  | 'min_subtotal'
  | 'released';

const SENTENCES: Record<InvalidReason, string> = {
  unknown: 'There is no such coupon.',
  inactive: 'This coupon is not active.',
  not_started: 'This coupon is not valid yet.',
  ended: 'This coupon has expired.',
  currency: 'This coupon is not valid in the order’s currency.',
  not_eligible: 'No item of this order is eligible for this coupon.',
  min_subtotal: 'The eligible items do not reach this coupon’s minimum.',
  released: 'This order’s promotion was already released.',
};

/** The coupon cannot apply to this order; `reason` says why. */
export class PromotionInvalidError extends DomainError {
  readonly code = 'PROMOTION.INVALID';
  readonly kind = 'rejected';
  constructor(
    readonly reason: InvalidReason,
    details: Record<string, unknown> = {},
  ) {
    super(SENTENCES[reason], { reason, ...details });
  }
}

/** Every use of the coupon is reserved or committed: the global cap holds. */
export class PromotionExhaustedError extends DomainError {
  readonly code = 'PROMOTION.EXHAUSTED';
  readonly kind = 'rejected';
  constructor(code: string) {
    super('This coupon has been used up.', { couponCode: code });
  }
}

/** This customer has used the coupon as often as it allows. */
export class PromotionLimitExceededError extends DomainError {
  readonly code = 'PROMOTION.LIMIT_EXCEEDED';
  readonly kind = 'rejected';
  constructor(code: string, maxPerCustomer: number) {
    super(`This coupon can be used ${maxPerCustomer} time(s) per customer.`, { couponCode: code, maxPerCustomer });
  }
}

export class PromotionNotFoundError extends DomainError {
  readonly code = 'PROMOTION.NOT_FOUND';
  readonly kind = 'not_found';
  constructor(what: string) {
    super(`No ${what}.`);
  }
}

/** Codes are unique case-insensitively. */
export class PromotionCodeTakenError extends DomainError {
  readonly code = 'PROMOTION.CODE_TAKEN';
  readonly kind = 'conflict';
  constructor(code: string) {
    super(`A promotion with the code ${code} exists already.`, { couponCode: code });
  }
}

/** The same order id again with another customer, coupon, currency or lines. */
export class RedemptionMismatchError extends DomainError {
  readonly code = 'PROMOTION.REQUEST_MISMATCH';
  readonly kind = 'rejected';
  constructor(orderId: string) {
    super(`Order ${orderId} already reserved its promotion with other values.`, { orderId });
  }
}

/** Commit of a redemption whose use is no longer held (released, or expired with no use left). */
export class RedemptionNotHeldError extends DomainError {
  readonly code = 'PROMOTION.NOT_HELD';
  readonly kind = 'conflict';
  constructor(orderId: string, status: string) {
    super(`The promotion of order ${orderId} is ${status}; it can no longer be committed.`, { orderId, status });
  }
}

/** A stored refusal, raised again for a replay of the same order. */
export type StoredRefusal =
  | { code: 'PROMOTION.INVALID'; reason: InvalidReason; details?: Record<string, unknown> }
  | { code: 'PROMOTION.EXHAUSTED'; couponCode: string }
  | { code: 'PROMOTION.LIMIT_EXCEEDED'; couponCode: string; maxPerCustomer: number };

export function refusalError(r: StoredRefusal): DomainError {
  switch (r.code) {
    case 'PROMOTION.INVALID':
      return new PromotionInvalidError(r.reason, r.details);
    case 'PROMOTION.EXHAUSTED':
      return new PromotionExhaustedError(r.couponCode);
    case 'PROMOTION.LIMIT_EXCEEDED':
      return new PromotionLimitExceededError(r.couponCode, r.maxPerCustomer);
  }
}
