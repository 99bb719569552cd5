import type { CatalogClient, PageDto, ProductListQuery, ProductSummaryDto } from '@dbcarts/catalog/client';

/**
 * The product listing. Availability comes with it from the catalog's read model (fed by
 * inventory.availability-changed), so a page costs one call, not one actor call per product.
 */
export class BrowseProductsUseCase {
  constructor(private readonly catalog: CatalogClient) {}

  list(query: ProductListQuery): Promise<PageDto<ProductSummaryDto>> {
    return this.catalog.products(query);
  }
}
