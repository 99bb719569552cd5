import { z } from 'zod';

// The inventory service's wire contract, shared with callers (gateway, orders) through client/.

export const Sku = z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,63}$/, 'a SKU is 2-64 characters of A-Z, 0-9 and -');
export const OperationId = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'an id is 1-128 characters of A-Z, a-z, 0-9, _ . : -');
const Quantity = z.int().min(1).max(100_000);
const Money = z.strictObject({ amount: z.int().min(0).max(100_000_000), currency: z.string().regex(/^[A-Z]{3}$/) });

export const SkuParams = z.strictObject({ sku: Sku });
export const ReservationParams = z.strictObject({ sku: Sku, reservationId: OperationId });
const ReserveItem = z.strictObject({
  reservationId: OperationId,
  quantity: Quantity,
  customerId: OperationId.optional(),
});
export const ReserveBody = ReserveItem.extend({ sku: Sku });
export const ReserveBatchBody = z.strictObject({ sku: Sku, items: z.array(ReserveItem).min(1).max(1000) });
export const SetStockBody = z.strictObject({ onHand: z.int().min(0).max(1_000_000_000) });
export const RestockBody = z.strictObject({ restockId: OperationId, quantity: Quantity });
export const FlashSaleBody = z
  .strictObject({
    id: OperationId,
    price: Money,
    startsAt: z.iso.datetime({ offset: true }),
    endsAt: z.iso.datetime({ offset: true }),
    quantity: Quantity,
    perCustomerLimit: z.int().min(1).max(1000),
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
