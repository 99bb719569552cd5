import type { FlashSaleSpec } from '../domain/flash-sale';
import type { FlashSaleView, Outcome, ReservationView, StockSnapshot } from '../domain/stock';
import type { KnownSkus } from './known-skus';
import type { ReserveItem, StockActorPort } from './ports/stock-actor.port';

/**
 * The actor port behind the SKU check: every call, reads included, first asks KnownSkus, so no
 * path through this service reaches (and activates) the actor of a SKU the catalog does not know.
 * One wrapper rather than a check per use case: a new use case cannot forget it.
 */
export class KnownSkuStockActor implements StockActorPort {
  constructor(
    private readonly inner: StockActorPort,
    private readonly skus: KnownSkus,
  ) {}

  async snapshot(sku: string): Promise<StockSnapshot> {
    await this.skus.assertKnown(sku);
    return this.inner.snapshot(sku);
  }

  async reserveBatch(sku: string, items: ReserveItem[]): Promise<Outcome<ReservationView>[]> {
    await this.skus.assertKnown(sku);
    return this.inner.reserveBatch(sku, items);
  }

  async confirm(sku: string, reservationId: string): Promise<Outcome<ReservationView>> {
    await this.skus.assertKnown(sku);
    return this.inner.confirm(sku, reservationId);
  }

  async release(sku: string, reservationId: string): Promise<Outcome<ReservationView>> {
    await this.skus.assertKnown(sku);
    return this.inner.release(sku, reservationId);
  }

  async setOnHand(sku: string, onHand: number): Promise<Outcome<StockSnapshot>> {
    await this.skus.assertKnown(sku);
    return this.inner.setOnHand(sku, onHand);
  }

  async restock(sku: string, restockId: string, quantity: number): Promise<Outcome<StockSnapshot>> {
    await this.skus.assertKnown(sku);
    return this.inner.restock(sku, restockId, quantity);
  }

  async startFlashSale(sku: string, spec: FlashSaleSpec): Promise<Outcome<FlashSaleView>> {
    await this.skus.assertKnown(sku);
    return this.inner.startFlashSale(sku, spec);
  }

  async flashSale(sku: string): Promise<FlashSaleView | null> {
    await this.skus.assertKnown(sku);
    return this.inner.flashSale(sku);
  }
}
