import { inject, injectable } from 'tsyringe';
import {
  type Category,
  type Page,
  type Product,
  ProductNotFoundError,
  type ProductQuery,
  validateQuery,
} from '../domain/product';
import { CATALOG } from './catalog.tokens';
import type { ProductCachePort } from './ports/product-cache.port';
import type { ProductRepositoryPort } from './ports/product.repository.port';

/**
 * Public, read-only browsing, cache-aside on the shared cache: product pages by id, listings by
 * normalized query under the current listing generation. A cache fault falls back to the
 * database rather than failing the read.
 */
@injectable()
export class BrowseCatalogUseCase {
  constructor(
    @inject(CATALOG.Products) private readonly products: ProductRepositoryPort,
    @inject(CATALOG.Cache) private readonly cache: ProductCachePort,
  ) {}

  async list(query: ProductQuery): Promise<Page<Product>> {
    const q = validateQuery(query);
    const gen = await this.cache.listingGeneration().catch(() => undefined);
    const key = gen && listingKey(gen, q);
    const hit = key ? await this.cache.getListing(key).catch(() => undefined) : undefined;
    if (hit) return hit;
    const page = await this.products.list(q);
    if (key) await this.cache.putListing(key, page).catch(() => undefined);
    return page;
  }

  async get(id: string): Promise<Product> {
    const hit = await this.cache.getProduct(id).catch(() => undefined);
    if (hit) return hit;
    const product = await this.products.findById(id);
    if (!product) throw new ProductNotFoundError(id);
    await this.cache.putProduct(product).catch(() => undefined);
    return product;
  }

  /** Whether a SKU is a product: inventory keeps stock only for those. */
  async productIdBySku(sku: string): Promise<string> {
    const id = await this.products.findIdBySku(sku);
    if (!id) throw new ProductNotFoundError(sku);
    return id;
  }

  /** Today's prices straight from the database: an order is charged what the catalog says now. */
  prices(skus: string[]) {
    return this.products.pricesBySku([...new Set(skus)]);
  }

  categories(): Promise<Category[]> {
    return this.products.categories();
  }
}

function listingKey(gen: string, q: ProductQuery): string {
  const parts = [
    q.category ?? '',
    (q.q ?? '').toLowerCase(),
    q.minPrice ?? '',
    q.maxPrice ?? '',
    q.sort,
    q.page,
    q.pageSize,
  ];
  return `listing:${gen}:${parts.join('|')}`;
}
