import { inject, injectable } from 'tsyringe';
import type { FlashSaleSpec } from '../domain/flash-sale';
import { unwrap } from '../domain/outcome';
import type { FlashSaleView, StockSnapshot } from '../domain/stock';
import { INVENTORY } from './inventory.tokens';
import type { FlashSaleIndexPort } from './ports/flash-sale-index.port';
import type { StockActorPort } from './ports/stock-actor.port';

/** Reads and admin writes of a SKU's stock level and flash sale. */
@injectable()
export class ManageStockUseCase {
  constructor(
    @inject(INVENTORY.StockActor) private readonly actor: StockActorPort,
    @inject(INVENTORY.FlashSaleIndex) private readonly sales: FlashSaleIndexPort,
  ) {}

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

  /** The SKU's actor admits the sale (one at a time per SKU); the index then lists it. */
  async startFlashSale(sku: string, spec: FlashSaleSpec): Promise<{ sale: FlashSaleView; replayed: boolean }> {
    const outcome = await this.actor.startFlashSale(sku, spec);
    const sale = unwrap(outcome);
    // Also on a replay: a retry after a failed index write must still list the sale.
    await this.sales.add({ sku, id: sale.id, startsAt: sale.startsAt, endsAt: sale.endsAt }, Date.now());
    return { sale, replayed: outcome.ok && outcome.replayed };
  }

  /** Running sales with what is left of each, read from the SKUs' actors. */
  async activeFlashSales(now: number): Promise<FlashSaleView[]> {
    const running = (await this.sales.list()).filter((e) => e.startsAt <= now && e.endsAt > now);
    const views = await Promise.all(running.map((e) => this.actor.flashSale(e.sku)));
    return views.filter((v): v is FlashSaleView => !!v && v.startsAt <= now && v.endsAt > now);
  }

  flashSale(sku: string): Promise<FlashSaleView | null> {
    return this.actor.flashSale(sku);
  }
}
