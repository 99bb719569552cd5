import type { Sidecar } from '@dbcarts/dapr';
import type { CategoryDto, PageDto, ProductDto, ProductListQuery, ProductSummaryDto } from '../contract';

export type { CategoryDto, PageDto, ProductDto, ProductListQuery, ProductSummaryDto } from '../contract';
export { ProductListQuery as ProductListQuerySchema } from '../contract';

export const CATALOG_APP_ID = 'catalog';

export interface ProductResponse {
  status: 200 | 304;
  etag?: string;
  cacheControl?: string;
  product?: ProductDto;
}

export interface CatalogClient {
  categories(): Promise<CategoryDto[]>;
  products(query: ProductListQuery): Promise<PageDto<ProductSummaryDto>>;
  /** Passes If-None-Match through so a client's cached copy costs no body. */
  product(id: string, ifNoneMatch?: string): Promise<ProductResponse>;
}

export function createCatalogClient(sidecar: Sidecar, appId = CATALOG_APP_ID): CatalogClient {
  return {
    categories: async () => (await sidecar.invokeService<CategoryDto[]>(appId, 'GET', 'categories')).body,
    products: async (query) =>
      (await sidecar.invokeService<PageDto<ProductSummaryDto>>(appId, 'GET', 'products', { query })).body,
    async product(id, ifNoneMatch) {
      const res = await sidecar.invokeService<ProductDto | string>(appId, 'GET', `products/${encodeURIComponent(id)}`, {
        headers: ifNoneMatch ? { 'if-none-match': ifNoneMatch } : {},
      });
      const etag = res.headers.get('etag') ?? undefined;
      const cacheControl = res.headers.get('cache-control') ?? undefined;
      if (res.status === 304) return { status: 304, etag, cacheControl };
      return { status: 200, etag, cacheControl, product: res.body as ProductDto };
    },
  };
}
