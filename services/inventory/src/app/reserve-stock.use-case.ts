import { BatcherOverloadedError, BatchTimeoutError, KeyedBatcher } from '@dbcarts/concurrency';
import { DependencyUnavailableError } from '@dbcarts/errors';
import { inject, injectable } from 'tsyringe';
import { unwrap } from '../domain/outcome';
import type { Outcome, ReservationView } from '../domain/stock';
import { InventoryBusyError } from '../domain/stock.errors';
import { INVENTORY, type InventorySettings } from './inventory.tokens';
import type { ReserveItem, StockActorPort } from './ports/stock-actor.port';

export interface ReserveResult {
  reservation: ReservationView;
  replayed: boolean;
}

/**
 * Reservations enter the SKU's actor through a per-SKU batcher: whatever arrives while a turn is in
 * flight (from any caller, single or batched) goes in the next turn. One turn costs ~1 ms of actor
 * time however many reservations it decides, so batching is what carries a flash sale. The queue
 * is bounded per SKU and overall, and a turn that does not answer in time fails its callers.
 */
@injectable()
export class ReserveStockUseCase {
  private readonly batcher: KeyedBatcher<ReserveItem, Outcome<ReservationView>>;

  constructor(
    @inject(INVENTORY.StockActor) actor: StockActorPort,
    @inject(INVENTORY.Settings) settings: InventorySettings,
  ) {
    this.batcher = new KeyedBatcher((sku, items) => actor.reserveBatch(sku, items), settings.reserveBatchMax, {
      maxPendingPerKey: settings.reserveQueuePerSku,
      maxPending: settings.reserveQueueTotal,
      timeoutMs: settings.reserveTimeoutMs,
    });
  }

  /** Holds `quantity` units under `reservationId`; a replayed id answers its first result. */
  async execute(sku: string, item: ReserveItem): Promise<ReserveResult> {
    const outcome = await this.submit(sku, item);
    return { reservation: unwrap(outcome), replayed: outcome.ok && outcome.replayed };
  }

  /**
   * Each item decided on its own: partial success is normal, one outcome per item, in order. A
   * full queue or a lost turn fails the whole call (items that got in stay applied: a retry with
   * the same ids answers them as replays).
   */
  executeBatch(sku: string, items: ReserveItem[]): Promise<Outcome<ReservationView>[]> {
    return Promise.all(items.map((i) => this.submit(sku, i)));
  }

  private async submit(sku: string, item: ReserveItem): Promise<Outcome<ReservationView>> {
    try {
      return await this.batcher.submit(sku, item);
    } catch (e) {
      if (e instanceof BatcherOverloadedError) throw new InventoryBusyError(sku, e.message);
      if (e instanceof BatchTimeoutError) throw new DependencyUnavailableError(`actor ${sku}`, e.message);
      throw e;
    }
  }
}
