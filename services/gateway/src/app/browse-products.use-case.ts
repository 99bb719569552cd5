import type { CatalogClient, PageDto, ProductListQuery, ProductSummaryDto } from '@dbcarts/catalog/client';
import type { InventoryClient } from '@dbcarts/inventory/client';

export interface ProductListing extends ProductSummaryDto {
  /** Units available now; null when inventory could not answer in time (the listing still shows). */
  available: number | null;
}

/** Composes the catalog's page with live availability from each SKU's inventory actor. */
export class BrowseProductsUseCase {
  constructor(
    private readonly catalog: CatalogClient,
    private readonly inventory: InventoryClient,
  ) {}

  async list(query: ProductListQuery): Promise<PageDto<ProductListing>> {
    const page = await this.catalog.products(query);
    const available = await Promise.all(
      page.items.map((p) =>
        this.inventory.stock(p.sku).then(
          (s) => s.available,
          () => null,
        ),
      ),
    );
    return { ...page, items: page.items.map((p, i) => ({ ...p, available: available[i] ?? null })) };
  }
}
