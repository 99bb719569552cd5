import { DomainError } from '@dbcarts/errors';

export class OrderNotFoundError extends DomainError {
  readonly code = 'ORDER.NOT_FOUND';
  readonly kind = 'not_found';
  constructor(id: string) {
    super('No such order.', { id });
  }
}

export class OrderRequestNotFoundError extends DomainError {
  readonly code = 'ORDER.REQUEST_NOT_FOUND';
  readonly kind = 'not_found';
  constructor() {
    super('No order request under this Idempotency-Key.');
  }
}

export class OrderTransitionError extends DomainError {
  readonly code = 'ORDER.INVALID_TRANSITION';
  readonly kind = 'conflict';
  constructor(id: string, from: string, to: string) {
    super(`An order that is ${from} cannot become ${to}.`, { id, status: from });
  }
}

export class NotCancellableError extends DomainError {
  readonly code = 'ORDER.NOT_CANCELLABLE';
  readonly kind = 'conflict';
  constructor(id: string, status: string) {
    super(`An order that is ${status} can no longer be cancelled.`, { id, status });
  }
}

export class ReturnWindowClosedError extends DomainError {
  readonly code = 'ORDER.RETURN_WINDOW_CLOSED';
  readonly kind = 'rejected';
  constructor(id: string, days: number, sku?: string) {
    super(`${sku ? `${sku}: r` : 'R'}eturns are accepted within ${days} days of delivery.`, { id, days, sku });
  }
}

export class FinalSaleError extends DomainError {
  readonly code = 'ORDER.RETURN_FINAL_SALE';
  readonly kind = 'rejected';
  constructor(id: string, sku: string) {
    super(`${sku} was sold as final sale and cannot be returned.`, { id, sku });
  }
}

export class ReturnQuantityError extends DomainError {
  readonly code = 'ORDER.RETURN_QUANTITY';
  readonly kind = 'rejected';
  constructor(id: string, sku: string, returnable: number) {
    super(`At most ${returnable} unit(s) of ${sku} can be returned.`, { id, sku, returnable });
  }
}

export class MixedCurrencyError extends DomainError {
  readonly code = 'ORDER.MIXED_CURRENCY';
  readonly kind = 'rejected';
  constructor(currencies: string[]) {
    super('All items of one order must be priced in one currency.', { currencies });
  }
}

export class UnknownProductError extends DomainError {
  readonly code = 'ORDER.UNKNOWN_PRODUCT';
  readonly kind = 'rejected';
  constructor(sku: string) {
    super(`No product with SKU ${sku}.`, { sku });
  }
}

/** A saga step was refused by another service: carries that service's code (INVENTORY.INSUFFICIENT...). */
export class CheckoutRefusedError extends DomainError {
  readonly kind;
  constructor(
    readonly code: string,
    kind: 'conflict' | 'payment_required' | 'unavailable' | 'rejected',
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(message, details);
    this.kind = kind;
  }
}

export class IdempotencyKeyMissingError extends DomainError {
  readonly code = 'IDEMPOTENCY.KEY_MISSING';
  readonly kind = 'invalid';
  constructor() {
    super('This request needs an Idempotency-Key header (1-255 visible characters).');
  }
}

export class IdempotencyKeyReusedError extends DomainError {
  readonly code = 'IDEMPOTENCY.KEY_REUSED';
  readonly kind = 'rejected';
  constructor() {
    super('This Idempotency-Key was used with a different request body.');
  }
}

export class IdempotencyInProgressError extends DomainError {
  readonly code = 'IDEMPOTENCY.IN_PROGRESS';
  readonly kind = 'conflict';
  constructor() {
    super('A request with this Idempotency-Key is still being processed; retry shortly.');
  }
}

export class CartFullError extends DomainError {
  readonly code = 'CART.FULL';
  readonly kind = 'rejected';
  constructor(max: number) {
    super(`A cart holds at most ${max} different items.`, { max });
  }
}

export class InvoiceNotFoundError extends DomainError {
  readonly code = 'INVOICE.NOT_FOUND';
  readonly kind = 'not_found';
  constructor(orderId: string) {
    super('This order has no invoice yet.', { orderId });
  }
}
