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
  /** Eventually consistent with inventory (seconds at most); the live number is /api/inventory/{sku}. */
  available: number;
}

export interface ProductDto extends Omit<ProductSummaryDto, 'available'> {
  brand: string;
  description: string;
  categoryName: string;
  images: string[];
  attributes: Record<string, string>;
  warranty: { months: number; terms: string };
  createdAt: string;
  updatedAt: string;
}

// Admin writes. Image URLs are validated, never fetched by the server (no SSRF surface).
// Image URLs are stored and handed to browsers, never fetched by us (no SSRF surface); they are
// still held to public https hosts so no later consumer (a thumbnailer, a CDN origin pull) is led
// to an internal address: no IP literals, no localhost or internal names, no credentials or ports.
const ImageUrl = z
  .url({
    protocol: /^https$/,
    hostname: /^(?!localhost$)(?!.*\.(local|internal|localhost|lan)$)[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$/i,
  })
  .max(500)
  .refine((u) => {
    const url = new URL(u);
    return !url.username && !url.password && !url.port;
  }, 'an image URL is a public https URL without credentials or port');
const MoneyIn = z.strictObject({ amount: z.int().min(1).max(100_000_000), currency: z.string().regex(/^[A-Z]{3}$/) });
const Attributes = z
  .record(z.string().regex(/^[a-z][a-z0-9_]{0,39}$/), z.string().max(200))
  .refine((a) => Object.keys(a).length <= 30, 'at most 30 attributes');
const Warranty = z.strictObject({ months: z.int().min(0).max(120), terms: z.string().max(500) });

// The fields a product write may carry, without defaults: zod 4 applies `.default()` inside
// `.partial()`, so a PATCH schema derived from one with defaults would fill (and reset) every absent
// field. Defaults belong to creation only.
const ProductFields = z.strictObject({
  sku: z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,63}$/),
  name: z.string().trim().min(1).max(200),
  brand: z.string().trim().max(100),
  description: z.string().max(10_000),
  category: z.string().regex(/^[a-z0-9-]{1,64}$/),
  price: MoneyIn,
  images: z.array(ImageUrl).max(20),
  attributes: Attributes,
  warranty: Warranty,
});

export const ProductCreateBody = ProductFields.extend({
  brand: ProductFields.shape.brand.default(''),
  description: ProductFields.shape.description.default(''),
  images: ProductFields.shape.images.default([]),
  attributes: ProductFields.shape.attributes.default({}),
  warranty: ProductFields.shape.warranty.default({ months: 0, terms: '' }),
});
export type ProductCreateBody = z.infer<typeof ProductCreateBody>;

/** A PATCH changes exactly the fields it names. */
export const ProductUpdateBody = ProductFields.omit({ sku: true })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to update');
export type ProductUpdateBody = z.infer<typeof ProductUpdateBody>;

/** GET /skus/{sku}: inventory asks whether a SKU is a product before it keeps stock for it. */
export const SkuLookupParams = z.strictObject({ sku: z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,63}$/) });

/** The answer for a SKU the catalog has (404 CATALOG.NOT_FOUND otherwise). */
export interface SkuDto {
  sku: string;
  productId: string;
}

/** POST /prices: today's price of each SKU, for a cart or an order (unknown SKUs are left out). */
export const PriceLookupBody = z.strictObject({
  skus: z
    .array(z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,63}$/))
    .min(1)
    .max(100),
});

export interface SkuPriceDto {
  sku: string;
  productId: string;
  name: string;
  /** The department (category slug): department-scoped promotions apply by it. */
  category: string;
  price: MoneyDto;
}

export interface PageDto<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}
