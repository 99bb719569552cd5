import type { CategoryDto, PageDto, ProductDto, ProductSummaryDto } from '../../contract';
import type { Category, Page, Product } from '../domain/product';

export const toCategoryDto = (c: Category): CategoryDto => ({ id: c.id, slug: c.slug, name: c.name });

/** The fields a listing and a product page share. */
const identity = (p: Product) => ({
  id: p.id,
  sku: p.sku,
  name: p.name,
  category: p.category.slug,
  price: { amount: p.price.amount, currency: p.price.currency },
});

export const toProductSummary = (p: Product): ProductSummaryDto => ({ ...identity(p), available: p.available });

export const toProductDto = (p: Product): ProductDto => ({
  ...identity(p),
  brand: p.brand,
  description: p.description,
  categoryName: p.category.name,
  images: [...p.images],
  attributes: { ...p.attributes },
  warranty: { months: p.warranty.months, terms: p.warranty.terms },
  createdAt: p.createdAt.toISOString(),
  updatedAt: p.updatedAt.toISOString(),
});

export const toPageDto = <T, D>(page: Page<T>, map: (t: T) => D): PageDto<D> => ({
  items: page.items.map(map),
  page: page.page,
  pageSize: page.pageSize,
  total: page.total,
});
