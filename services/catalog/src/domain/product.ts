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

export interface Product {
  id: string;
  sku: string;
  name: string;
  description: string;
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
