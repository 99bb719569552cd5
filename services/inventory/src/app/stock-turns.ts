import type { Outcome, ReservationView, Stock, StockSnapshot } from '../domain/stock';
import type { ReserveItem } from './ports/stock-actor.port';
import type { StockStatePort } from './ports/stock-state.port';

/**
 * What one actor turn does to a SKU's stock. Runs inside the SKU's actor, so no other writer
 * interleaves between load and save. Saves only when something changed (a replay or refusal
 * writes nothing).
 */
export class StockTurns {
  constructor(private readonly state: StockStatePort) {}

  snapshot(): Promise<StockSnapshot> {
    return this.state.load().then((s) => s.snapshot());
  }

  async reserveBatch(items: ReserveItem[]): Promise<Outcome<ReservationView>[]> {
    const stock = await this.state.load();
    const outcomes = items.map((i) => stock.reserve(i.reservationId, i.quantity));
    if (outcomes.some((o) => o.ok && !o.replayed)) await this.state.save(stock);
    return outcomes;
  }

  confirm(reservationId: string): Promise<Outcome<ReservationView>> {
    return this.apply((s) => s.confirm(reservationId));
  }

  release(reservationId: string): Promise<Outcome<ReservationView>> {
    return this.apply((s) => s.release(reservationId));
  }

  setOnHand(onHand: number): Promise<Outcome<StockSnapshot>> {
    return this.apply((s) => s.setOnHand(onHand));
  }

  restock(restockId: string, quantity: number): Promise<Outcome<StockSnapshot>> {
    return this.apply((s) => s.restock(restockId, quantity));
  }

  private async apply<T>(op: (stock: Stock) => Outcome<T>): Promise<Outcome<T>> {
    const stock = await this.state.load();
    const outcome = op(stock);
    if (outcome.ok && !outcome.replayed) await this.state.save(stock);
    return outcome;
  }
}
