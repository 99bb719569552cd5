import type { FlashSaleSpec } from '../domain/flash-sale';
import type { FlashSaleView, Outcome, ReservationView, Stock, StockSnapshot } from '../domain/stock';
import type { ReserveItem } from './ports/stock-actor.port';
import type { StockEventsPort, StockStatePort, SweepSchedulerPort } from './ports/stock-state.port';

export interface TurnSettings {
  holdMs: number;
  now: () => number;
}

export interface TurnPorts {
  state: StockStatePort;
  sweeps: SweepSchedulerPort;
  events: StockEventsPort;
}

/**
 * What one actor turn does to a SKU. Runs inside the SKU's actor, so nothing interleaves between
 * load and save. Every turn first lapses due holds (so numbers are never stale), writes only when
 * something changed, then makes sure a sweep is scheduled for the next hold to lapse, so expiry
 * does not depend on traffic.
 */
export class StockTurns {
  constructor(
    private readonly ports: TurnPorts,
    private readonly settings: TurnSettings,
  ) {}

  snapshot(): Promise<StockSnapshot> {
    return this.turn((s) => s.snapshot());
  }

  flashSale(): Promise<FlashSaleView | null> {
    return this.turn((s, now) => s.flashSale(now) ?? null);
  }

  sweep(): Promise<StockSnapshot> {
    return this.turn((s) => s.snapshot());
  }

  reserveBatch(items: ReserveItem[]): Promise<Outcome<ReservationView>[]> {
    return this.turn((s, now) => items.map((i) => s.reserve(i, now, this.settings.holdMs)));
  }

  confirm(reservationId: string): Promise<Outcome<ReservationView>> {
    return this.turn((s, now) => s.confirm(reservationId, now));
  }

  release(reservationId: string): Promise<Outcome<ReservationView>> {
    return this.turn((s, now) => s.release(reservationId, now));
  }

  setOnHand(onHand: number): Promise<Outcome<StockSnapshot>> {
    return this.turn((s) => s.setOnHand(onHand));
  }

  restock(restockId: string, quantity: number): Promise<Outcome<StockSnapshot>> {
    return this.turn((s) => s.restock(restockId, quantity));
  }

  startFlashSale(spec: FlashSaleSpec): Promise<Outcome<FlashSaleView>> {
    return this.turn((s, now) => s.startFlashSale(spec, now));
  }

  private async turn<T>(op: (stock: Stock, now: number) => T): Promise<T> {
    const now = this.settings.now();
    const stock = await this.ports.state.load();
    let result: T;
    try {
      stock.expireDue(now);
      result = op(stock, now);
      if (stock.changed) stock.nextVersion();
    } catch (e) {
      // The turn works on the loaded state in place (no copy per turn): one that fails part-way
      // must not leave its half-made changes for the next turn to build on.
      this.ports.state.discard();
      throw e;
    }
    if (stock.changed) {
      const version = stock.toMeta().version as number;
      await this.ports.state.save(stock);
      if (stock.availabilityChanged) {
        // Not awaited: the turn's answer does not wait on the broker (the adapter reports its own
        // failures), and versions keep consumers correct whatever order events land in.
        void this.ports.events.availabilityChanged({ ...stock.snapshot(), version }, stock.becameDepleted);
      }
    }
    const next = stock.toMeta().nextExpiry;
    if (next !== undefined) await this.ports.sweeps.ensureSweepAt(next);
    return result;
  }
}
