import { inject, injectable } from 'tsyringe';
import { type Product, type ProductDraft, ProductNotFoundError, type ProductPatch } from '../domain/product';
import { CATALOG } from './catalog.tokens';
import type { ProductCachePort, ProductEventsPort } from './ports/product-cache.port';
import type { ProductRepositoryPort } from './ports/product.repository.port';

/** How long after a write the product's cache entry is cleared a second time. */
const SECOND_DROP_MS = 400;

/**
 * Admin writes. After the database commit: clear the product's cache entry, retire cached
 * listings, and publish catalog.product-changed (the gateway's edge cache and CDNs drop on it).
 * The second drop closes the cache-aside race where a read that started before the write puts
 * the old row back: the next read is fresh within 1 s on every instance.
 */
@injectable()
export class ManageCatalogUseCase {
  constructor(
    @inject(CATALOG.Products) private readonly products: ProductRepositoryPort,
    @inject(CATALOG.Cache) private readonly cache: ProductCachePort,
    @inject(CATALOG.Events) private readonly events: ProductEventsPort,
  ) {}

  async create(draft: ProductDraft): Promise<Product> {
    const product = await this.products.create(draft);
    await this.afterWrite(product);
    return product;
  }

  async update(id: string, patch: ProductPatch): Promise<Product> {
    const product = await this.products.update(id, patch);
    if (!product) throw new ProductNotFoundError(id);
    await this.afterWrite(product);
    return product;
  }

  private async afterWrite(product: Product): Promise<void> {
    await Promise.all([this.cache.dropProduct(product.id), this.cache.bumpListingGeneration()]);
    setTimeout(() => void this.cache.dropProduct(product.id).catch(() => undefined), SECOND_DROP_MS).unref();
    await this.events.changed(product);
  }
}
