import { DomainError } from '@dbcarts/errors';

export interface Money {
  /** Integer minor units (cents): no floating-point money anywhere. */
  amount: number;
  currency: string;
}

export interface Category {
  id: string;
  slug: string;
  name: string;
}

export interface Warranty {
  months: number;
  terms: string;
}

export interface Product {
  id: string;
  sku: string;
  name: string;
  brand: string;
  description: string;
  images: string[];
  attributes: Record<string, string>;
  warranty: Warranty;
  /** Units available as inventory last reported (eventually consistent read model). */
  available: number;
  category: Category;
  price: Money;
  createdAt: Date;
  updatedAt: Date;
}

export type ProductSort = 'price_asc' | 'price_desc' | 'newest' | 'name';

export interface ProductQuery {
  category?: string;
  q?: string;
  minPrice?: number;
  maxPrice?: number;
  sort: ProductSort;
  page: number;
  pageSize: number;
}

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

export class ProductNotFoundError extends DomainError {
  readonly code = 'CATALOG.NOT_FOUND';
  readonly kind = 'not_found';
  constructor(id: string) {
    super(`No product ${id}`, { id });
  }
}

export class InvalidPriceRangeError extends DomainError {
  readonly code = 'CATALOG.INVALID_PRICE_RANGE';
  readonly kind = 'invalid';
  constructor(min: number, max: number) {
    super(`minPrice ${min} is above maxPrice ${max}`, { minPrice: min, maxPrice: max });
  }
}

/** A query that cannot match anything is a client mistake, said plainly rather than an empty page. */
export function validateQuery(q: ProductQuery): ProductQuery {
  if (q.minPrice !== undefined && q.maxPrice !== undefined && q.minPrice > q.maxPrice) {
    throw new InvalidPriceRangeError(q.minPrice, q.maxPrice);
  }
  return q;
}

export interface ProductDraft {
  sku: string;
  name: string;
  brand: string;
  description: string;
  category: string;
  price: Money;
  images: string[];
  attributes: Record<string, string>;
  warranty: Warranty;
}

export type ProductPatch = Partial<Omit<ProductDraft, 'sku'>>;

export class SkuTakenError extends DomainError {
  readonly code = 'CATALOG.SKU_TAKEN';
  readonly kind = 'conflict';
  constructor(sku: string) {
    super(`A product with SKU ${sku} already exists`, { sku });
  }
}

export class UnknownCategoryError extends DomainError {
  readonly code = 'CATALOG.UNKNOWN_CATEGORY';
  readonly kind = 'invalid';
  constructor(slug: string) {
    super(`No category ${slug}`, { category: slug });
  }
}

/** What other parts of the store need to know when a product changes (prices, names, departments). */
export interface ProductChanged {
  id: string;
  sku: string;
  category: string;
  updatedAt: string;
}

/** inventory.availability-changed as the catalog applies it. */
export interface AvailabilityReport {
  sku: string;
  available: number;
  version: number;
}
