import { AbstractActor } from '@dapr/dapr';
import type { ReserveItem } from '../app/ports/stock-actor.port';
import { StockTurns } from '../app/stock-turns';
import type { StockState } from '../domain/stock';
import { ActorStockStateAdapter } from './actor-stock-state.adapter';

export const INVENTORY_ACTOR_TYPE = 'InventoryItem';

/**
 * One actor per SKU (actor id = SKU): Dapr runs one turn at a time per id, which is what keeps
 * stock changes serialized across every instance of the service. Methods take one object
 * argument (raw actor calls spread a top-level array) and answer outcomes, never throw domain
 * errors, because the SDK turns a thrown error into a bare 500.
 */
export class InventoryItem extends AbstractActor {
  private turns(): StockTurns {
    const sku = this.getActorId().getId();
    return new StockTurns(new ActorStockStateAdapter(this.getStateManager<StockState>(), sku));
  }

  snapshot() {
    return this.turns().snapshot();
  }

  reserveBatch(body: { items: ReserveItem[] }) {
    return this.turns().reserveBatch(body.items);
  }

  confirm(body: { reservationId: string }) {
    return this.turns().confirm(body.reservationId);
  }

  release(body: { reservationId: string }) {
    return this.turns().release(body.reservationId);
  }

  setOnHand(body: { onHand: number }) {
    return this.turns().setOnHand(body.onHand);
  }

  restock(body: { restockId: string; quantity: number }) {
    return this.turns().restock(body.restockId, body.quantity);
  }
}
