import type { Outcome, ReservationView, StockSnapshot } from '../../domain/stock';

export interface ReserveItem {
  reservationId: string;
  quantity: number;
}

/** The SKU's actor as the service sees it: each call is one turn, serialized per SKU. */
export interface StockActorPort {
  snapshot(sku: string): Promise<StockSnapshot>;
  /** Many callers' reservations in one turn: one state read, one save, one outcome per item. */
  reserveBatch(sku: string, items: ReserveItem[]): Promise<Outcome<ReservationView>[]>;
  confirm(sku: string, reservationId: string): Promise<Outcome<ReservationView>>;
  release(sku: string, reservationId: string): Promise<Outcome<ReservationView>>;
  setOnHand(sku: string, onHand: number): Promise<Outcome<StockSnapshot>>;
  restock(sku: string, restockId: string, quantity: number): Promise<Outcome<StockSnapshot>>;
}
