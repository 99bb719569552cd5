import type { FlashSaleSpec } from '../../domain/flash-sale';
import type { FlashSaleView, Outcome, ReservationView, ReserveCommand, StockSnapshot } from '../../domain/stock';

export type ReserveItem = ReserveCommand;

/** The SKU's actor as the service sees it: each call is one turn, serialized per SKU. */
export interface StockActorPort {
  snapshot(sku: string): Promise<StockSnapshot>;
  /** Many callers' reservations in one turn: decided one by one in arrival order, saved once. */
  reserveBatch(sku: string, items: ReserveItem[]): Promise<Outcome<ReservationView>[]>;
  confirm(sku: string, reservationId: string): Promise<Outcome<ReservationView>>;
  release(sku: string, reservationId: string): Promise<Outcome<ReservationView>>;
  setOnHand(sku: string, onHand: number): Promise<Outcome<StockSnapshot>>;
  restock(sku: string, restockId: string, quantity: number): Promise<Outcome<StockSnapshot>>;
  startFlashSale(sku: string, spec: FlashSaleSpec): Promise<Outcome<FlashSaleView>>;
  flashSale(sku: string): Promise<FlashSaleView | null>;
}
