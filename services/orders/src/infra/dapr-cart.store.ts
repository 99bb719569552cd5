import type { Sidecar } from '@dbcarts/dapr';
import type { CartStorePort } from '../app/ports/read-models.port';
import type { Cart } from '../domain/cart';

/** Carts in the Dapr state store (`statestore`), one key per customer, kept 30 days after the last change. */
export class DaprCartStore implements CartStorePort {
  constructor(
    private readonly sidecar: Sidecar,
    private readonly store = 'statestore',
    private readonly ttlSeconds = 30 * 86_400,
  ) {}

  async load(customerId: string): Promise<{ cart: Cart; etag?: string }> {
    const read = await this.sidecar.getStateVersioned<Cart>(this.store, key(customerId));
    return read ? { cart: read.value, etag: read.etag } : { cart: { items: [] } };
  }

  saveIf(customerId: string, cart: Cart, etag?: string): Promise<boolean> {
    return this.sidecar.saveStateIfMatch(this.store, {
      key: key(customerId),
      value: cart,
      etag,
      ttlSeconds: this.ttlSeconds,
    });
  }
}

const key = (customerId: string) => `cart:${customerId}`;
