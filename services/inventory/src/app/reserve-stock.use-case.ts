import { inject, injectable } from 'tsyringe';
import { type ReservationView, unwrap } from '../domain/stock';
import { INVENTORY, type InventorySettings } from './inventory.tokens';
import { KeyedBatcher } from './keyed-batcher';
import type { ReserveItem, StockActorPort } from './ports/stock-actor.port';

export interface ReserveResult {
  reservation: ReservationView;
  replayed: boolean;
}

@injectable()
export class ReserveStockUseCase {
  private readonly batcher: KeyedBatcher<ReserveItem, Awaited<ReturnType<StockActorPort['reserveBatch']>>[number]>;

  constructor(
    @inject(INVENTORY.StockActor) actor: StockActorPort,
    @inject(INVENTORY.Settings) settings: InventorySettings,
  ) {
    this.batcher = new KeyedBatcher((sku, items) => actor.reserveBatch(sku, items), settings.reserveBatchMax);
  }

  /** Holds `quantity` units of `sku` under `reservationId`; a replayed id answers its first result. */
  async execute(sku: string, item: ReserveItem): Promise<ReserveResult> {
    const outcome = await this.batcher.submit(sku, item);
    return { reservation: unwrap(outcome), replayed: outcome.ok && outcome.replayed };
  }
}
