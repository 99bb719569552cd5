import { randomUUID } from 'node:crypto';
import type { Sidecar } from '@dbcarts/dapr';
import type { ProductCachePort } from '../app/ports/product-cache.port';
import type { Page, Product } from '../domain/product';

const GEN_KEY = 'listing-gen';
/** A listing generation read is reused this long: the bound on how stale a listing can be after a write. */
const GEN_MEMO_MS = 250;

type Stored = Omit<Product, 'createdAt' | 'updatedAt'> & { createdAt: string; updatedAt: string };

/** The shared cache through the Dapr state API (component `cache`, Redis by default), entries with TTLs. */
export class DaprProductCacheAdapter implements ProductCachePort {
  private gen?: { value: string; at: number };

  constructor(
    private readonly sidecar: Sidecar,
    private readonly ttl = { productSeconds: 300, listingSeconds: 60 },
    private readonly store = 'cache',
  ) {}

  async getProduct(id: string): Promise<Product | undefined> {
    const s = await this.sidecar.getState<Stored>(this.store, `product:${id}`);
    return s ? revive(s) : undefined;
  }

  putProduct(p: Product): Promise<void> {
    return this.sidecar.saveState(this.store, [
      { key: `product:${p.id}`, value: p, ttlSeconds: this.ttl.productSeconds },
    ]);
  }

  dropProduct(id: string): Promise<void> {
    return this.sidecar.deleteState(this.store, `product:${id}`);
  }

  async getListing(key: string): Promise<Page<Product> | undefined> {
    const s = await this.sidecar.getState<Page<Stored>>(this.store, key);
    return s ? { ...s, items: s.items.map(revive) } : undefined;
  }

  putListing(key: string, page: Page<Product>): Promise<void> {
    return this.sidecar.saveState(this.store, [{ key, value: page, ttlSeconds: this.ttl.listingSeconds }]);
  }

  async listingGeneration(): Promise<string> {
    if (this.gen && Date.now() - this.gen.at < GEN_MEMO_MS) return this.gen.value;
    let value = await this.sidecar.getState<string>(this.store, GEN_KEY);
    if (!value) {
      value = randomUUID();
      await this.sidecar.saveState(this.store, [{ key: GEN_KEY, value }]);
    }
    this.gen = { value, at: Date.now() };
    return value;
  }

  async bumpListingGeneration(): Promise<void> {
    const value = randomUUID();
    await this.sidecar.saveState(this.store, [{ key: GEN_KEY, value }]);
    this.gen = { value, at: Date.now() };
  }
}

function revive(s: Stored): Product {
  return { ...s, createdAt: new Date(s.createdAt), updatedAt: new Date(s.updatedAt) };
}
