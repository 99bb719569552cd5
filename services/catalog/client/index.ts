import type { Sidecar } from '@dbcarts/dapr';
import {
  type CategoryDto,
  type PageDto,
  PriceLookupBody,
  type ProductDto,
  type ProductListQuery,
  type ProductSummaryDto,
  type SkuPriceDto,
} from '../contract';

export type { CategoryDto, PageDto, ProductDto, ProductListQuery, ProductSummaryDto, SkuPriceDto } from '../contract';
export { ProductListQuery as ProductListQuerySchema } from '../contract';

export const CATALOG_APP_ID = 'catalog';
export const PRODUCT_CHANGED_TOPIC = 'catalog.product-changed';

/** The body of catalog.product-changed. */
export interface ProductChangedEvent {
  id: string;
  sku: string;
  category: string;
  updatedAt: string;
}

export interface ProductResponse {
  status: 200 | 304;
  etag?: string;
  cacheControl?: string;
  surrogateKey?: string;
  product?: ProductDto;
}

export interface CatalogClient {
  categories(): Promise<CategoryDto[]>;
  products(query: ProductListQuery): Promise<PageDto<ProductSummaryDto>>;
  /** Passes If-None-Match through so a client's cached copy costs no body. */
  product(id: string, ifNoneMatch?: string): Promise<ProductResponse>;
  /** Today's price of each SKU (unknown ones left out), one call for up to 100. */
  prices(skus: string[]): Promise<SkuPriceDto[]>;
  /** Admin writes; the catalog validates the body (strict) and answers problems as they are. */
  createProduct(body: unknown): Promise<ProductDto>;
  updateProduct(id: string, body: unknown): Promise<ProductDto>;
}

export function createCatalogClient(sidecar: Sidecar, appId = CATALOG_APP_ID): CatalogClient {
  return {
    categories: async () => (await sidecar.invokeService<CategoryDto[]>(appId, 'GET', 'categories')).body,
    products: async (query) =>
      (await sidecar.invokeService<PageDto<ProductSummaryDto>>(appId, 'GET', 'products', { query })).body,
    prices: async (skus) =>
      (
        await sidecar.invokeService<{ items: SkuPriceDto[] }>(appId, 'POST', 'prices', {
          body: PriceLookupBody.parse({ skus }),
        })
      ).body.items,
    createProduct: async (body) => (await sidecar.invokeService<ProductDto>(appId, 'POST', 'products', { body })).body,
    updateProduct: async (id, body) =>
      (await sidecar.invokeService<ProductDto>(appId, 'PATCH', `products/${encodeURIComponent(id)}`, { body })).body,
    async product(id, ifNoneMatch) {
      const res = await sidecar.invokeService<ProductDto | string>(appId, 'GET', `products/${encodeURIComponent(id)}`, {
        headers: ifNoneMatch ? { 'if-none-match': ifNoneMatch } : {},
      });
      const etag = res.headers.get('etag') ?? undefined;
      const cacheControl = res.headers.get('cache-control') ?? undefined;
      const surrogateKey = res.headers.get('surrogate-key') ?? undefined;
      if (res.status === 304) return { status: 304, etag, cacheControl, surrogateKey };
      return { status: 200, etag, cacheControl, surrogateKey, product: res.body as ProductDto };
    },
  };
}
