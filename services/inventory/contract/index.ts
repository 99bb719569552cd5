import { z } from 'zod';
import {
  CURRENCY_PATTERN,
  ID_PATTERN,
  MAX_ON_HAND,
  MAX_PER_CUSTOMER,
  MAX_PRICE,
  MAX_QUANTITY,
  SKU_PATTERN,
} from '../src/domain/stock.rules';

// The inventory service's wire contract, shared with callers (gateway, orders) through client/.
// Bounds come from the domain's rules, so what a schema lets through the domain also accepts.

export const Sku = z.string().regex(SKU_PATTERN, 'a SKU is 2-64 characters of A-Z, 0-9 and -');
export const OperationId = z.string().regex(ID_PATTERN, 'an id is 1-128 characters of A-Z, a-z, 0-9, _ . : -');
const Quantity = z.int().min(1).max(MAX_QUANTITY);
const Money = z.strictObject({ amount: z.int().min(0).max(MAX_PRICE), currency: z.string().regex(CURRENCY_PATTERN) });

export const SkuParams = z.strictObject({ sku: Sku });
export const ReservationParams = z.strictObject({ sku: Sku, reservationId: OperationId });
const ReserveItem = z.strictObject({
  reservationId: OperationId,
  quantity: Quantity,
  customerId: OperationId.optional(),
  /** A claim in a drop: held only at the price of a running flash sale (else FLASH_SALE.NOT_ACTIVE). */
  flashOnly: z.boolean().optional(),
  /** On a held reservation: hold it a full hold time from now (a claim waiting in the checkout queue). */
  renew: z.boolean().optional(),
});
export const ReserveBody = ReserveItem.extend({ sku: Sku });
export const ReserveBatchBody = z.strictObject({ sku: Sku, items: z.array(ReserveItem).min(1).max(1000) });
export const SetStockBody = z.strictObject({ onHand: z.int().min(0).max(MAX_ON_HAND) });
export const RestockBody = z.strictObject({ restockId: OperationId, quantity: Quantity });
export const FlashSaleBody = z
  .strictObject({
    id: OperationId,
    price: Money,
    startsAt: z.iso.datetime({ offset: true }),
    endsAt: z.iso.datetime({ offset: true }),
    quantity: Quantity,
    perCustomerLimit: z.int().min(1).max(MAX_PER_CUSTOMER),
  })
  .refine((b) => Date.parse(b.endsAt) > Date.parse(b.startsAt), {
    message: 'endsAt must be after startsAt',
    path: ['endsAt'],
  });

export type ReserveRequest = z.infer<typeof ReserveBody>;
export type ReserveItemRequest = z.infer<typeof ReserveItem>;
export type FlashSaleRequest = z.infer<typeof FlashSaleBody>;

export interface MoneyDto {
  amount: number;
  currency: string;
}

export interface StockView {
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
}

export interface ReservationDto {
  reservationId: string;
  sku: string;
  quantity: number;
  status: 'held' | 'confirmed' | 'released' | 'expired';
  customerId?: string;
  expiresAt?: string;
  flashSaleId?: string;
  unitPrice?: MoneyDto;
}

/** One item's answer in a batch: partial success is normal. */
export type ReserveOutcomeDto =
  | { ok: true; reservation: ReservationDto; replayed: boolean }
  | {
      ok: false;
      problem: { type: string; title: string; status: number; code: string; detail?: string; [k: string]: unknown };
    };

export interface FlashSaleDto {
  id: string;
  sku: string;
  price: MoneyDto;
  startsAt: string;
  endsAt: string;
  quantity: number;
  remaining: number;
  perCustomerLimit: number;
}

/** inventory.availability-changed: published after every saved change of a SKU's available units. */
export const AVAILABILITY_CHANGED_TOPIC = 'inventory.availability-changed';
export const AvailabilityChangedEvent = z.object({
  sku: Sku,
  onHand: z.int().min(0),
  reserved: z.int().min(0),
  available: z.int().min(0),
  version: z.int().min(1),
});
export type AvailabilityChangedEvent = z.infer<typeof AvailabilityChangedEvent>;
