import type { Category, Page, Product, ProductQuery } from '../../domain/product';

export interface ProductRepositoryPort {
  list(query: ProductQuery): Promise<Page<Product>>;
  findById(id: string): Promise<Product | undefined>;
  categories(): Promise<Category[]>;
}
