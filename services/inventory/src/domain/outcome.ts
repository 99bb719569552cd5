import { DomainError, type ErrorKind } from '@dbcarts/errors';
import type { Outcome } from './stock.types';

const KINDS: Record<string, ErrorKind> = {
  'INVENTORY.INSUFFICIENT': 'conflict',
  'INVENTORY.RESERVATION_NOT_FOUND': 'not_found',
  'INVENTORY.RESERVATION_SETTLED': 'conflict',
  'INVENTORY.RESERVATION_MISMATCH': 'conflict',
  'INVENTORY.BELOW_RESERVED': 'conflict',
  'FLASH_SALE.LIMIT_EXCEEDED': 'conflict',
  'FLASH_SALE.SOLD_OUT': 'conflict',
  'FLASH_SALE.NOT_ACTIVE': 'conflict',
  'FLASH_SALE.CUSTOMER_REQUIRED': 'invalid',
  'FLASH_SALE.CONFLICT': 'conflict',
  'FLASH_SALE.INVALID': 'invalid',
  'INVENTORY.INVALID_QUANTITY': 'invalid',
  'INVENTORY.INVALID_ID': 'invalid',
  'INVENTORY.UNKNOWN_SKU': 'not_found',
  'INVENTORY.BUSY': 'unavailable',
};

/** A refusal that crossed the actor boundary as data, raised again with its code and details. */
export class InventoryRefusal extends DomainError {
  readonly kind: ErrorKind;
  constructor(
    readonly code: string,
    message: string,
    details: Record<string, unknown>,
  ) {
    super(message, details);
    this.kind = refusalKind(code, message);
  }
}

/** The kind of an inventory refusal code; an unknown code is a bug (a new code not mapped here). */
export function refusalKind(code: string, message: string): ErrorKind {
  const kind = KINDS[code];
  if (!kind) throw new Error(`unknown inventory outcome ${code}: ${message}`);
  return kind;
}

export function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw new InventoryRefusal(outcome.error.code, outcome.error.message, outcome.error.details);
}
