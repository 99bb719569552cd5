import { inject, injectable } from 'tsyringe';
import { unwrap } from '../domain/outcome';
import type { ReservationView } from '../domain/stock';
import { INVENTORY } from './inventory.tokens';
import type { StockActorPort } from './ports/stock-actor.port';

/** Confirm (units leave with the order) or release (units return to available) a reservation. */
@injectable()
export class SettleReservationUseCase {
  constructor(@inject(INVENTORY.StockActor) private readonly actor: StockActorPort) {}

  async execute(sku: string, reservationId: string, action: 'confirm' | 'release'): Promise<ReservationView> {
    const outcome =
      action === 'confirm'
        ? await this.actor.confirm(sku, reservationId)
        : await this.actor.release(sku, reservationId);
    return unwrap(outcome);
  }
}
