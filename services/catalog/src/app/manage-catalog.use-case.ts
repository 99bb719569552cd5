import type { Logger } from '@dbcarts/logging';
import { inject, injectable } from 'tsyringe';
import { type Product, type ProductDraft, ProductNotFoundError, type ProductPatch } from '../domain/product';
import { CATALOG } from './catalog.tokens';
import type { ProductCachePort } from './ports/product-cache.port';
import type { ProductRepositoryPort } from './ports/product.repository.port';

/** How long after a write the product's cache entry is cleared a second time. */
const SECOND_DROP_MS = 400;

/**
 * Admin writes. The repository commits the change together with its catalog.product-changed event
 * (transactional outbox: the event is published after the commit, whatever happens next). After
 * the commit the product's shared-cache entry is cleared and cached listings retired; the second
 * drop closes the cache-aside race where a read that started before the write puts the old row
 * back. A cache fault here never fails the write: the change is committed, its event will go out,
 * and cache entries expire by TTL (a failed write answer would make a caller retry a done create).
 */
@injectable()
export class ManageCatalogUseCase {
  constructor(
    @inject(CATALOG.Products) private readonly products: ProductRepositoryPort,
    @inject(CATALOG.Cache) private readonly cache: ProductCachePort,
    @inject(CATALOG.Log) private readonly log: Logger,
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
    const results = await Promise.allSettled([this.cache.dropProduct(product.id), this.cache.bumpListingGeneration()]);
    for (const r of results) {
      if (r.status === 'rejected') {
        this.log.warn(
          { err: r.reason, productId: product.id },
          'cache not cleared after a write; entries expire by TTL',
        );
      }
    }
    setTimeout(() => void this.cache.dropProduct(product.id).catch(() => undefined), SECOND_DROP_MS).unref();
  }
}
