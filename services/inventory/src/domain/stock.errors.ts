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
