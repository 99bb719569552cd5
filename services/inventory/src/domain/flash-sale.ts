import type { DomainError } from '@dbcarts/errors';
import {
  FlashSaleConflictError,
  FlashSaleCustomerRequiredError,
  FlashSaleLimitExceededError,
  FlashSaleSoldOutError,
  InvalidFlashSaleError,
} from './stock.errors';
import { CURRENCY_PATTERN, isId, isIntIn, isQuantity, MAX_PER_CUSTOMER, MAX_PRICE } from './stock.rules';
import type { FlashSaleSpec, FlashSaleState, FlashSaleView, ReservationRecord } from './stock.types';

export type { FlashSaleSpec } from './stock.types';

export const isRunning = (sale: FlashSaleState | undefined, now: number): sale is FlashSaleState =>
  !!sale && now >= sale.startsAt && now < sale.endsAt;

/**
 * Admission to a running flash sale. Invariants: sold <= quantity, and no customer holds more than
 * perCustomerLimit units at the flash price. Both hold across concurrent requests because the SKU's
 * actor decides them one at a time. Throws the refusal; the caller turns it into an outcome.
 */
export function admit(sale: FlashSaleState, sku: string, customerId: string | undefined, quantity: number): void {
  if (!customerId) throw new FlashSaleCustomerRequiredError(sku);
  const held = sale.perCustomer[customerId] ?? 0;
  if (held + quantity > sale.perCustomerLimit) {
    throw new FlashSaleLimitExceededError(sku, customerId, sale.perCustomerLimit, held);
  }
  if (sale.sold + quantity > sale.quantity) throw new FlashSaleSoldOutError(sku, sale.quantity - sale.sold);
  sale.sold += quantity;
  sale.perCustomer[customerId] = held + quantity;
}

/** Units of a released or expired flash reservation go back to the sale and to the customer's allowance. */
export function giveBack(sale: FlashSaleState | undefined, record: ReservationRecord): void {
  if (!sale || record.flashSaleId !== sale.id || !record.customerId) return;
  sale.sold -= record.quantity;
  const left = (sale.perCustomer[record.customerId] ?? 0) - record.quantity;
  if (left > 0) sale.perCustomer[record.customerId] = left;
  else delete sale.perCustomer[record.customerId];
}

/** Every number of a sale feeds its caps (sold <= quantity, per-customer limit): each must be in bounds. */
export function invalidSale(sku: string, spec: FlashSaleSpec): DomainError | undefined {
  if (typeof spec !== 'object' || spec === null) return new InvalidFlashSaleError(sku, 'spec');
  const price = spec.price as FlashSaleSpec['price'] | null | undefined;
  const bad: [boolean, string][] = [
    [!isId(spec.id), 'id'],
    [typeof price !== 'object' || price === null, 'price'],
    [!isIntIn(price?.amount, 0, MAX_PRICE), 'price.amount'],
    [typeof price?.currency !== 'string' || !CURRENCY_PATTERN.test(price.currency), 'price.currency'],
    [!Number.isSafeInteger(spec.startsAt), 'startsAt'],
    [!Number.isSafeInteger(spec.endsAt), 'endsAt'],
    [!isQuantity(spec.quantity), 'quantity'],
    [!isIntIn(spec.perCustomerLimit, 1, MAX_PER_CUSTOMER), 'perCustomerLimit'],
  ];
  const field = bad.find(([isBad]) => isBad)?.[1];
  return field ? new InvalidFlashSaleError(sku, field) : undefined;
}

export function openSale(
  current: FlashSaleState | undefined,
  sku: string,
  spec: FlashSaleSpec,
  now: number,
): FlashSaleState {
  if (spec.endsAt <= spec.startsAt) throw new FlashSaleConflictError(sku, 'a flash sale must end after it starts');
  if (spec.endsAt <= now) throw new FlashSaleConflictError(sku, 'that flash sale would already be over');
  if (current && current.endsAt > now && current.id !== spec.id) {
    throw new FlashSaleConflictError(
      sku,
      `flash sale ${current.id} is scheduled or running until ${new Date(current.endsAt).toISOString()}`,
    );
  }
  // Field by field: whatever else a raw actor call sent along is not stored.
  const { id, price, startsAt, endsAt, quantity, perCustomerLimit } = spec;
  const sale = { id, price: { amount: price.amount, currency: price.currency }, startsAt, endsAt, quantity };
  return { ...sale, perCustomerLimit, sold: 0, perCustomer: {}, countsFromRecords: true };
}

/**
 * What each customer holds of a sale, counted from its reservation records: the units of every
 * hold or order the sale admitted (released and lapsed ones gave theirs back). The same numbers
 * admit() and giveBack() keep, as long as the sale's counting records are kept (Stock.expireDue
 * keeps a running sale's confirmed records).
 */
export function heldByCustomer(saleId: string, records: Iterable<ReservationRecord>): Record<string, number> {
  const held: Record<string, number> = {};
  for (const r of records) {
    if (r.flashSaleId !== saleId || !r.customerId || (r.status !== 'held' && r.status !== 'confirmed')) continue;
    held[r.customerId] = (held[r.customerId] ?? 0) + r.quantity;
  }
  return held;
}

export const saleView = (sku: string, s: FlashSaleState): FlashSaleView => ({
  id: s.id,
  sku,
  price: s.price,
  startsAt: s.startsAt,
  endsAt: s.endsAt,
  quantity: s.quantity,
  remaining: s.quantity - s.sold,
  perCustomerLimit: s.perCustomerLimit,
});
