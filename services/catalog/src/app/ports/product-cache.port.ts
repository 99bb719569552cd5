import type { Page, Product } from '../../domain/product';

/** The shared read cache (Dapr state store `cache`): every catalog instance reads and clears the same one. */
export interface ProductCachePort {
  getProduct(id: string): Promise<Product | undefined>;
  putProduct(product: Product): Promise<void>;
  dropProduct(id: string): Promise<void>;
  getListing(key: string): Promise<Page<Product> | undefined>;
  putListing(key: string, page: Page<Product>): Promise<void>;
  /** Listings are cached under a generation; bumping it retires every cached listing at once. */
  listingGeneration(): Promise<string>;
  bumpListingGeneration(): Promise<void>;
}
