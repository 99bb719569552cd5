import { z } from 'zod';

// The inventory service's wire contract, shared with callers (gateway, orders) through client/.

export const Sku = z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,63}$/, 'a SKU is 2-64 characters of A-Z, 0-9 and -');
export const OperationId = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'an id is 1-128 characters of A-Z, a-z, 0-9, _ . : -');
const Quantity = z.int().min(1).max(100_000);

export const SkuParams = z.strictObject({ sku: Sku });
export const ReservationParams = z.strictObject({ sku: Sku, reservationId: OperationId });
export const ReserveBody = z.strictObject({ reservationId: OperationId, sku: Sku, quantity: Quantity });
export const SetStockBody = z.strictObject({ onHand: z.int().min(0).max(1_000_000_000) });
export const RestockBody = z.strictObject({ restockId: OperationId, quantity: Quantity });

export type ReserveRequest = z.infer<typeof ReserveBody>;

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
  status: 'held' | 'confirmed' | 'released';
}
