import { DomainError } from '@dbcarts/errors';

export class RegistrationNotFoundError extends DomainError {
  readonly code = 'WARRANTY.NOT_FOUND';
  readonly kind = 'not_found';
  constructor(id: string) {
    super('No such warranty registration.', { id });
  }
}

export class ClaimNotFoundError extends DomainError {
  readonly code = 'WARRANTY.CLAIM_NOT_FOUND';
  readonly kind = 'not_found';
  constructor(id: string) {
    super('No such warranty claim.', { id });
  }
}

export class NotDeliveredError extends DomainError {
  readonly code = 'WARRANTY.NOT_DELIVERED';
  readonly kind = 'rejected';
  constructor(orderId: string, sku: string, status: string) {
    super(`Only a delivered line can be registered; this order is ${status}.`, { orderId, sku, status });
  }
}

export class AlreadyRegisteredError extends DomainError {
  readonly code = 'WARRANTY.ALREADY_REGISTERED';
  readonly kind = 'conflict';
  constructor(orderId: string, sku: string, id: string) {
    super('This order line is registered already.', { orderId, sku, id });
  }
}

export class WarrantyExpiredError extends DomainError {
  readonly code = 'WARRANTY.EXPIRED';
  readonly kind = 'rejected';
  constructor(id: string, coversUntil: Date) {
    super(`The warranty ended on ${coversUntil.toISOString()}.`, { id, coversUntil: coversUntil.toISOString() });
  }
}

export class ClaimTransitionError extends DomainError {
  readonly code = 'WARRANTY.INVALID_TRANSITION';
  readonly kind = 'conflict';
  constructor(id: string, from: string, to: string) {
    super(`A claim that is ${from} cannot become ${to}.`, { id, status: from });
  }
}

export class CaseNotFoundError extends DomainError {
  readonly code = 'SUPPORT.CASE_NOT_FOUND';
  readonly kind = 'not_found';
  constructor(id: string) {
    super('No such support case.', { id });
  }
}

export class CaseTransitionError extends DomainError {
  readonly code = 'SUPPORT.INVALID_TRANSITION';
  readonly kind = 'conflict';
  constructor(id: string, from: string, to: string) {
    super(`A case that is ${from} cannot become ${to}.`, { id, status: from });
  }
}

export class CaseClosedError extends DomainError {
  readonly code = 'SUPPORT.CASE_CLOSED';
  readonly kind = 'conflict';
  constructor(id: string) {
    super('This case is closed; open a new one.', { id });
  }
}

export class IdempotencyKeyReusedError extends DomainError {
  readonly code = 'IDEMPOTENCY.KEY_REUSED';
  readonly kind = 'rejected';
  constructor() {
    super('This Idempotency-Key was used with a different request body.');
  }
}

export class IdempotencyKeyMissingError extends DomainError {
  readonly code = 'IDEMPOTENCY.KEY_MISSING';
  readonly kind = 'invalid';
  constructor() {
    super('This request needs an Idempotency-Key header (1-255 visible characters).');
  }
}
