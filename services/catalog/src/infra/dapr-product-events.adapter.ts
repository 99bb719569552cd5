import type { Sidecar } from '@dbcarts/dapr';
import type { Logger } from '@dbcarts/logging';
import type { ProductEventsPort } from '../app/ports/product-cache.port';
import type { Product, ProductChanged } from '../domain/product';

export const PRODUCT_CHANGED = 'catalog.product-changed';

export class DaprProductEventsAdapter implements ProductEventsPort {
  constructor(
    private readonly sidecar: Sidecar,
    private readonly log: Logger,
  ) {}

  async changed(p: Product): Promise<void> {
    const event: ProductChanged = {
      id: p.id,
      sku: p.sku,
      category: p.category.slug,
      updatedAt: p.updatedAt.toISOString(),
    };
    try {
      // id + version: a redelivered event is recognisable, a later change is a new event.
      await this.sidecar.publish('pubsub', PRODUCT_CHANGED, event, { id: `${p.id}@${event.updatedAt}` });
    } catch (err) {
      // The change is committed and caches are cleared; edge caches then fall back to their short TTL.
      this.log.error({ err, productId: p.id }, 'catalog.product-changed not published');
    }
  }
}
