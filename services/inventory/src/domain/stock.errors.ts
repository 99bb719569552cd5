import { DomainError } from '@dbcarts/errors';

export class InsufficientStockError extends DomainError {
  readonly code = 'INVENTORY.INSUFFICIENT';
  readonly kind = 'conflict';
  constructor(sku: string, requested: number, available: number) {
    super(`${sku}: ${requested} requested, ${available} available`, { sku, requested, available });
  }
}

export class ReservationNotFoundError extends DomainError {
  readonly code = 'INVENTORY.RESERVATION_NOT_FOUND';
  readonly kind = 'not_found';
  constructor(sku: string, reservationId: string) {
    super(`${sku}: no reservation ${reservationId}`, { sku, reservationId });
  }
}

/** Confirming a released reservation, or releasing a confirmed one. */
export class ReservationSettledError extends DomainError {
  readonly code = 'INVENTORY.RESERVATION_SETTLED';
  readonly kind = 'conflict';
  constructor(sku: string, reservationId: string, status: string) {
    super(`${sku}: reservation ${reservationId} is already ${status}`, {
      sku,
      reservationId,
      reservationStatus: status,
    });
  }
}

/** The same reservation id sent again with another quantity: a client bug, never applied. */
export class ReservationMismatchError extends DomainError {
  readonly code = 'INVENTORY.RESERVATION_MISMATCH';
  readonly kind = 'conflict';
  constructor(sku: string, reservationId: string, quantity: number) {
    super(`${sku}: reservation ${reservationId} exists with quantity ${quantity}`, { sku, reservationId, quantity });
  }
}

export class StockBelowReservedError extends DomainError {
  readonly code = 'INVENTORY.BELOW_RESERVED';
  readonly kind = 'conflict';
  constructor(sku: string, onHand: number, reserved: number) {
    super(`${sku}: onHand ${onHand} would be below the ${reserved} units reserved`, { sku, onHand, reserved });
  }
}

export class FlashSaleLimitExceededError extends DomainError {
  readonly code = 'FLASH_SALE.LIMIT_EXCEEDED';
  readonly kind = 'conflict';
  constructor(sku: string, customerId: string, limit: number, held: number) {
    super(`${sku}: customer ${customerId} may hold ${limit}, already holds ${held}`, { sku, limit, held });
  }
}

export class FlashSaleSoldOutError extends DomainError {
  readonly code = 'FLASH_SALE.SOLD_OUT';
  readonly kind = 'conflict';
  constructor(sku: string, remaining: number) {
    super(`${sku}: ${remaining} flash-sale units left`, { sku, remaining });
  }
}

export class FlashSaleNotActiveError extends DomainError {
  readonly code = 'FLASH_SALE.NOT_ACTIVE';
  readonly kind = 'conflict';
  constructor(sku: string) {
    super(`${sku} has no running flash sale`, { sku });
  }
}

export class FlashSaleCustomerRequiredError extends DomainError {
  readonly code = 'FLASH_SALE.CUSTOMER_REQUIRED';
  readonly kind = 'invalid';
  constructor(sku: string) {
    super(`${sku} is in a flash sale: a reservation must name its customer`, { sku });
  }
}

export class FlashSaleConflictError extends DomainError {
  readonly code = 'FLASH_SALE.CONFLICT';
  readonly kind = 'conflict';
  constructor(sku: string, reason: string) {
    super(`${sku}: ${reason}`, { sku });
  }
}

/** A quantity that is not a whole number of units within bounds (negative, zero, fractional, a string...). */
export class InvalidQuantityError extends DomainError {
  readonly code = 'INVENTORY.INVALID_QUANTITY';
  readonly kind = 'invalid';
  constructor(sku: string, field: string, value: unknown, bounds: string) {
    super(`${sku}: ${field} must be an integer ${bounds}`, { sku, field, received: describe(value) });
  }
}

/** A SKU, reservation, customer or restock id that no route would accept. */
export class InvalidIdError extends DomainError {
  readonly code = 'INVENTORY.INVALID_ID';
  readonly kind = 'invalid';
  constructor(sku: string, field: string, value: unknown) {
    super(`${describe(sku)}: ${field} is not a well-formed id`, { field, received: describe(value) });
  }
}

export class InvalidFlashSaleError extends DomainError {
  readonly code = 'FLASH_SALE.INVALID';
  readonly kind = 'invalid';
  constructor(sku: string, field: string) {
    super(`${sku}: flash sale ${field} is out of bounds or malformed`, { sku, field });
  }
}

/** The SKU the catalog does not know: nothing is stocked, reserved or activated for it. */
export class UnknownSkuError extends DomainError {
  readonly code = 'INVENTORY.UNKNOWN_SKU';
  readonly kind = 'not_found';
  constructor(sku: string) {
    super(`${sku} is not a product the catalog knows`, { sku });
  }
}

/** Too many reservations waiting for one SKU or overall on this instance: retry shortly. */
export class InventoryBusyError extends DomainError {
  readonly code = 'INVENTORY.BUSY';
  readonly kind = 'unavailable';
  constructor(sku: string, reason: string) {
    super(`${sku}: ${reason}`, { sku, retryAfterSeconds: 1 });
  }
}

/** Echoes a refused value without reflecting arbitrary input back at length. */
function describe(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : typeof v === 'number' ? String(v) : typeof v;
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
