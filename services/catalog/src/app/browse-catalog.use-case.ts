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
import type { ProductRepositoryPort } from './ports/product.repository.port';

/** Public, read-only browsing: listing, product detail, categories. */
@injectable()
export class BrowseCatalogUseCase {
  constructor(@inject(CATALOG.Products) private readonly products: ProductRepositoryPort) {}

  list(query: ProductQuery): Promise<Page<Product>> {
    return this.products.list(validateQuery(query));
  }

  async get(id: string): Promise<Product> {
    const product = await this.products.findById(id);
    if (!product) throw new ProductNotFoundError(id);
    return product;
  }

  categories(): Promise<Category[]> {
    return this.products.categories();
  }
}
