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
