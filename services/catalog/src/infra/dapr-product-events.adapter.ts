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
    // id + version: a redelivered event is recognisable, a later change is a new event.
    const id = `${p.id}@${event.updatedAt}`;
    // Durable for consumers that must see every change (read models, search); broadcast so every
    // gateway instance drops its edge copy.
    const results = await Promise.allSettled([
      this.sidecar.publish('pubsub', PRODUCT_CHANGED, event, { id }),
      this.sidecar.publish('broadcast', PRODUCT_CHANGED, event, { id }),
    ]);
    for (const r of results) {
      // The change is committed and the shared cache cleared; edge caches fall back to their short TTL.
      if (r.status === 'rejected')
        this.log.error({ err: r.reason, productId: p.id }, 'catalog.product-changed not published');
    }
  }
}
