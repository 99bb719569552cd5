import type ActorStateManager from '@dapr/dapr/actors/runtime/ActorStateManager';
import type { StockStatePort } from '../app/ports/stock-state.port';
import { Stock, type StockState } from '../domain/stock';

const KEY = 'stock';

/**
 * One state key per SKU: a key per reservation made every new key cost a sidecar round trip
 * (~13,500 → ~1,250 reservations/s measured here), and one document saves atomically.
 */
export class ActorStockStateAdapter implements StockStatePort {
  constructor(
    private readonly state: ActorStateManager<StockState>,
    private readonly sku: string,
  ) {}

  async load(): Promise<Stock> {
    const [, value] = await this.state.tryGetState(KEY);
    return Stock.restore(this.sku, value);
  }

  async save(stock: Stock): Promise<void> {
    await this.state.setState(KEY, stock.toState());
    try {
      await this.state.saveState();
    } catch (e) {
      // The SDK caches state per actor: drop the unsaved change so the next turn reads the store.
      await this.state.clearCache();
      throw e;
    }
  }
}
