import type { OutboxMessage } from '@dbcarts/db';
import { PRODUCT_CHANGED_TOPIC } from '../../client';
import type { Product, ProductChanged } from '../domain/product';

/**
 * catalog.product-changed for one committed version of a product, as outbox rows: on the durable
 * `pubsub` for consumers that must see every change (read models, search) and on `broadcast` so
 * every gateway instance drops its edge copy. id + version: a redelivered event is recognisable,
 * a later change is a new event.
 */
export function productChangedMessages(p: Product): OutboxMessage[] {
  const data: ProductChanged = {
    id: p.id,
    sku: p.sku,
    category: p.category.slug,
    updatedAt: p.updatedAt.toISOString(),
  };
  const id = `${p.id}@${data.updatedAt}`;
  return [
    { id, pubsub: 'pubsub', topic: PRODUCT_CHANGED_TOPIC, data },
    { id, pubsub: 'broadcast', topic: PRODUCT_CHANGED_TOPIC, data },
  ];
}
