import type { Sidecar } from '@dbcarts/dapr';
import type { ReserveItem, StockActorPort } from '../app/ports/stock-actor.port';
import type { FlashSaleSpec } from '../domain/flash-sale';
import type { FlashSaleView, Outcome, ReservationView, StockSnapshot } from '../domain/stock';
import { INVENTORY_ACTOR_TYPE } from './inventory-item.actor';

/** Calls a SKU's actor through the sidecar's actor API (placement finds the host). */
export class DaprStockActorAdapter implements StockActorPort {
  constructor(private readonly sidecar: Sidecar) {}

  snapshot(sku: string): Promise<StockSnapshot> {
    return this.call(sku, 'snapshot');
  }

  reserveBatch(sku: string, items: ReserveItem[]): Promise<Outcome<ReservationView>[]> {
    return this.call(sku, 'reserveBatch', { items });
  }

  confirm(sku: string, reservationId: string): Promise<Outcome<ReservationView>> {
    return this.call(sku, 'confirm', { reservationId });
  }

  release(sku: string, reservationId: string): Promise<Outcome<ReservationView>> {
    return this.call(sku, 'release', { reservationId });
  }

  setOnHand(sku: string, onHand: number): Promise<Outcome<StockSnapshot>> {
    return this.call(sku, 'setOnHand', { onHand });
  }

  restock(sku: string, restockId: string, quantity: number): Promise<Outcome<StockSnapshot>> {
    return this.call(sku, 'restock', { restockId, quantity });
  }

  startFlashSale(sku: string, spec: FlashSaleSpec): Promise<Outcome<FlashSaleView>> {
    return this.call(sku, 'startFlashSale', { spec });
  }

  async flashSale(sku: string): Promise<FlashSaleView | null> {
    return (await this.call<{ sale: FlashSaleView | null }>(sku, 'flashSale')).sale;
  }

  private call<T>(sku: string, method: string, body?: object): Promise<T> {
    return this.sidecar.invokeActor<T>(INVENTORY_ACTOR_TYPE, sku, method, body);
  }
}
