import type { Sidecar } from '@dbcarts/dapr';
import type { Logger } from '@dbcarts/logging';
import type { StockEventsPort } from '../app/ports/stock-state.port';
import type { StockSnapshot } from '../domain/stock';

export const INVENTORY_DEPLETED = 'inventory.depleted';

/** Publishes inventory events on the `pubsub` component (RabbitMQ by default, swappable by profile). */
export class DaprStockEventsAdapter implements StockEventsPort {
  constructor(
    private readonly sidecar: Sidecar,
    private readonly log: Logger,
    private readonly pubsub = 'pubsub',
  ) {}

  async depleted(s: StockSnapshot): Promise<void> {
    try {
      // The id makes redeliveries of one depletion recognisable to consumers.
      await this.sidecar.publish(
        this.pubsub,
        INVENTORY_DEPLETED,
        { sku: s.sku, onHand: s.onHand, reserved: s.reserved, at: new Date().toISOString() },
        { id: `${s.sku}:depleted:${s.onHand}:${s.reserved}` },
      );
    } catch (err) {
      // The stock change is already saved; losing this notification must not fail the reservation.
      this.log.error({ err, sku: s.sku }, 'inventory.depleted not published');
    }
  }
}
