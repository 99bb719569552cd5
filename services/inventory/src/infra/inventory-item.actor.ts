import { AbstractActor } from '@dapr/dapr';
import type { Sidecar } from '@dbcarts/dapr';
import { INVENTORY_ACTOR_TYPE, type WireBatchAnswer, type WireOutcome } from '../../contract/actor-wire';
import type { ReserveItem } from '../app/ports/stock-actor.port';
import type { StockEventsPort } from '../app/ports/stock-state.port';
import { StockTurns, type TurnSettings } from '../app/stock-turns';
import type { FlashSaleSpec } from '../domain/flash-sale';
import type { Outcome, ReservationView } from '../domain/stock';
import { recordBatch, timedTurn } from './actor.metrics';
import { ActorStockStateAdapter } from './actor-stock-state.adapter';
import { DaprSweepSchedulerAdapter } from './dapr-sweep-scheduler.adapter';

export interface InventoryActorDeps {
  sidecar: Sidecar;
  events: StockEventsPort;
  settings: TurnSettings;
}

// The SDK constructs actors itself (new Class(client, id)), so their dependencies are handed over
// once by main.ts, the composition root, before the actor host starts.
let deps: InventoryActorDeps | undefined;
export function configureInventoryActor(d: InventoryActorDeps): void {
  deps = d;
}

/**
 * One actor per SKU (actor id = SKU): Dapr runs one turn at a time per id, which serializes stock
 * changes across every instance of the service. Methods take one object argument (raw actor calls
 * spread a top-level array) and answer outcomes, never throw domain errors: the SDK turns a thrown
 * error into a bare 500.
 */
export class InventoryItem extends AbstractActor {
  private cached?: { turns: StockTurns; sweeps: DaprSweepSchedulerAdapter };

  private get turns(): StockTurns {
    return this.parts().turns;
  }

  private parts() {
    if (this.cached) return this.cached;
    if (!deps) throw new Error('configureInventoryActor() was not called');
    const sku = this.getActorId().getId();
    const sweeps = new DaprSweepSchedulerAdapter(deps.sidecar, INVENTORY_ACTOR_TYPE, sku, deps.settings.now);
    const state = new ActorStockStateAdapter(deps.sidecar, INVENTORY_ACTOR_TYPE, sku);
    this.cached = { turns: new StockTurns({ state, sweeps, events: deps.events }, deps.settings), sweeps };
    return this.cached;
  }

  snapshot() {
    return this.turns.snapshot();
  }

  // Raw actor calls reach these methods with whatever JSON the caller sent: the domain refuses bad
  // values (as outcomes), and a missing or mistyped body must not become a TypeError (a bare 500).

  /** Answers in the compact wire form (contract/actor-wire.ts): callers rebuild the views. */
  async reserveBatch(body: { items: ReserveItem[] }): Promise<WireBatchAnswer> {
    const items = Array.isArray(body?.items) ? body.items : [];
    recordBatch(items.length);
    const outcomes = await timedTurn('reserveBatch', () => this.turns.reserveBatch(items));
    return { outcomes: outcomes.map(toWire) };
  }

  confirm(body: { reservationId: string }) {
    return timedTurn('confirm', () => this.turns.confirm(body?.reservationId));
  }

  release(body: { reservationId: string }) {
    return timedTurn('release', () => this.turns.release(body?.reservationId));
  }

  setOnHand(body: { onHand: number }) {
    return this.turns.setOnHand(body?.onHand);
  }

  restock(body: { restockId: string; quantity: number }) {
    return this.turns.restock(body?.restockId, body?.quantity);
  }

  startFlashSale(body: { spec: FlashSaleSpec }) {
    return this.turns.startFlashSale(body?.spec);
  }

  // An object, not a bare null: the SDK sends a null result as the text "null".
  async flashSale() {
    return { sale: await this.turns.flashSale() };
  }

  /** The sweep reminder: lapse due holds even when nobody touches this SKU. */
  override async receiveReminder(_data: unknown): Promise<void> {
    this.parts().sweeps.fired();
    await this.turns.sweep();
  }
}

function toWire(o: Outcome<ReservationView>): WireOutcome {
  if (!o.ok) return { c: o.error.code, m: o.error.message, d: o.error.details };
  const v = o.value;
  return {
    s: v.status,
    ...(v.expiresAt !== undefined ? { e: v.expiresAt } : {}),
    ...(o.replayed ? { r: 1 as const } : {}),
    ...(v.flashSaleId ? { f: v.flashSaleId } : {}),
    ...(v.unitPrice ? { p: v.unitPrice } : {}),
  };
}
