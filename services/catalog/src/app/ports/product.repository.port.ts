import type {
  AvailabilityReport,
  Category,
  Money,
  Page,
  Product,
  ProductDraft,
  ProductPatch,
  ProductQuery,
} from '../../domain/product';

export interface ProductRepositoryPort {
  list(query: ProductQuery): Promise<Page<Product>>;
  findById(id: string): Promise<Product | undefined>;
  /** The id of the product with this SKU (a unique-index read), undefined when there is none. */
  findIdBySku(sku: string): Promise<string | undefined>;
  /** Id, name and price of each SKU that is a product (one indexed read for the lot). */
  pricesBySku(skus: string[]): Promise<SkuPrice[]>;
  categories(): Promise<Category[]>;
  /**
   * Commits the product and its catalog.product-changed event in one transaction (the event is
   * published after the commit). Throws SkuTakenError / UnknownCategoryError.
   */
  create(draft: ProductDraft): Promise<Product>;
  /** Like create: the change and its event commit together. undefined when there is no such product. */
  update(id: string, patch: ProductPatch): Promise<Product | undefined>;
  /** Applies a report only if it is newer than the one held; true when it changed something. */
  applyAvailability(report: AvailabilityReport): Promise<boolean>;
}

/** What checkout needs of a SKU: its product, today's price and its department (category slug). */
export interface SkuPrice {
  sku: string;
  productId: string;
  name: string;
  category: string;
  price: Money;
}
