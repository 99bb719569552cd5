import type { ReservationDto } from './index';

// The InventoryItem actor's reserveBatch answer on the wire, kept small: a batch of 500 crosses up to
// four sidecar hops, and the caller already knows sku, id, quantity and customer of each item.

export interface WireItem {
  reservationId: string;
  quantity: number;
  customerId?: string;
}

export type WireOutcome =
  | { s: ReservationDto['status']; e?: number; r?: 1; f?: string; p?: { amount: number; currency: string } }
  | { c: string; m: string; d: Record<string, unknown> };

export interface WireBatchAnswer {
  outcomes: WireOutcome[];
}

export const INVENTORY_ACTOR_TYPE = 'InventoryItem';

export interface DecodedOutcome {
  ok: boolean;
  reservation?: ReservationDto;
  replayed?: boolean;
  refusal?: { code: string; message: string; details: Record<string, unknown> };
}

/** Rebuilds each item's answer from what the caller sent and what the actor decided. */
export function decodeOutcome(sku: string, item: WireItem, o: WireOutcome): DecodedOutcome {
  if ('c' in o) return { ok: false, refusal: { code: o.c, message: o.m, details: o.d } };
  const reservation: ReservationDto = { reservationId: item.reservationId, sku, quantity: item.quantity, status: o.s };
  if (item.customerId) reservation.customerId = item.customerId;
  if (o.e !== undefined) reservation.expiresAt = new Date(o.e).toISOString();
  if (o.f) reservation.flashSaleId = o.f;
  if (o.p) reservation.unitPrice = o.p;
  return { ok: true, reservation, replayed: o.r === 1 };
}
