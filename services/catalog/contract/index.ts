import { z } from 'zod';

// The catalog's wire contract, shared with the gateway through client/.

const Price = z.coerce.number().int().min(0).max(100_000_000);

export const ProductListQuery = z.strictObject({
  category: z
    .string()
    .regex(/^[a-z0-9-]{1,64}$/)
    .optional(),
  q: z.string().trim().min(1).max(100).optional(),
  minPrice: Price.optional(),
  maxPrice: Price.optional(),
  sort: z.enum(['price_asc', 'price_desc', 'newest', 'name']).default('newest'),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type ProductListQuery = z.infer<typeof ProductListQuery>;

export const ProductIdParams = z.strictObject({ id: z.uuid() });

export interface MoneyDto {
  amount: number;
  currency: string;
}

export interface CategoryDto {
  id: string;
  slug: string;
  name: string;
}

export interface ProductSummaryDto {
  id: string;
  sku: string;
  name: string;
  category: string;
  price: MoneyDto;
}

export interface ProductDto extends ProductSummaryDto {
  description: string;
  categoryName: string;
  createdAt: string;
  updatedAt: string;
}

export interface PageDto<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}
