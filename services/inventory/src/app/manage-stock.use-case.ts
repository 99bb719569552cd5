import { inject, injectable } from 'tsyringe';
import type { FlashSaleSpec } from '../domain/flash-sale';
import { unwrap } from '../domain/outcome';
import type { FlashSaleView, StockSnapshot } from '../domain/stock';
import { INVENTORY } from './inventory.tokens';
import type { StockActorPort } from './ports/stock-actor.port';

/** Reads and admin writes of a SKU's stock level and flash sale. */
@injectable()
export class ManageStockUseCase {
  constructor(@inject(INVENTORY.StockActor) private readonly actor: StockActorPort) {}

  get(sku: string): Promise<StockSnapshot> {
    return this.actor.snapshot(sku);
  }

  /** Sets onHand; refused below what is already reserved, so no held unit is ever lost. */
  async set(sku: string, onHand: number): Promise<StockSnapshot> {
    return unwrap(await this.actor.setOnHand(sku, onHand));
  }

  async restock(sku: string, restockId: string, quantity: number): Promise<StockSnapshot> {
    return unwrap(await this.actor.restock(sku, restockId, quantity));
  }

  async startFlashSale(sku: string, spec: FlashSaleSpec): Promise<{ sale: FlashSaleView; replayed: boolean }> {
    const outcome = await this.actor.startFlashSale(sku, spec);
    return { sale: unwrap(outcome), replayed: outcome.ok && outcome.replayed };
  }

  flashSale(sku: string): Promise<FlashSaleView | null> {
    return this.actor.flashSale(sku);
  }
}
