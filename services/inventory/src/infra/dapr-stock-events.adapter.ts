import type { Sidecar } from '@dbcarts/dapr';
import type { Logger } from '@dbcarts/logging';
import { AVAILABILITY_CHANGED_TOPIC } from '../../contract';
import type { AvailabilityChange, StockEventsPort } from '../app/ports/stock-state.port';

export const INVENTORY_DEPLETED = 'inventory.depleted';

/**
 * Publishes inventory events on the durable `pubsub` component after the turn's state is saved.
 * Ids are `sku@version`: a redelivery is recognisable and a consumer applies only newer versions,
 * so late or repeated events never move a read model backwards.
 */
export class DaprStockEventsAdapter implements StockEventsPort {
  constructor(
    private readonly sidecar: Sidecar,
    private readonly log: Logger,
    private readonly pubsub = 'pubsub',
  ) {}

  async availabilityChanged(c: AvailabilityChange, depleted: boolean): Promise<void> {
    const id = `${c.sku}@${c.version}`;
    const data = { sku: c.sku, onHand: c.onHand, reserved: c.reserved, available: c.available, version: c.version };
    const sends = [this.sidecar.publish(this.pubsub, AVAILABILITY_CHANGED_TOPIC, data, { id })];
    if (depleted) sends.push(this.sidecar.publish(this.pubsub, INVENTORY_DEPLETED, data, { id: `${id}:depleted` }));
    for (const r of await Promise.allSettled(sends)) {
      // The stock change is saved; a lost notification leaves read models one version behind until
      // the SKU's next change, and must not fail the reservations of this turn.
      if (r.status === 'rejected')
        this.log.error({ err: r.reason, sku: c.sku, version: c.version }, 'inventory event not published');
    }
  }
}
