import { ProductListQuerySchema, type CatalogClient } from '@dbcarts/catalog/client';
import { SkuParams } from '@dbcarts/inventory/contract';
import type { InventoryClient } from '@dbcarts/inventory/client';
import { Router } from 'express';
import { z } from 'zod';
import type { BrowseProductsUseCase } from '../app/browse-products.use-case';

export interface GatewayDeps {
  catalog: CatalogClient;
  inventory: InventoryClient;
  browse: BrowseProductsUseCase;
}

const ProductIdParams = z.strictObject({ id: z.uuid() });

/** The public API (shared/api-contract.md): validated here, served by the owning services. */
export function gatewayRoutes(deps: GatewayDeps): Router {
  const r = Router();

  r.get('/api/categories', async (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').json(await deps.catalog.categories());
  });

  r.get('/api/products', async (req, res) => {
    const query = ProductListQuerySchema.parse(req.query);
    res.set('Cache-Control', 'public, max-age=5').json(await deps.browse.list(query));
  });

  r.get('/api/products/:id', async (req, res) => {
    const { id } = ProductIdParams.parse(req.params);
    const answer = await deps.catalog.product(id, req.get('if-none-match'));
    if (answer.etag) res.set('ETag', answer.etag);
    if (answer.cacheControl) res.set('Cache-Control', answer.cacheControl);
    if (answer.status === 304) return void res.status(304).end();
    res.json(answer.product);
  });

  r.get('/api/inventory/:sku', async (req, res) => {
    const { sku } = SkuParams.parse(req.params);
    res.set('Cache-Control', 'no-store').json(await deps.inventory.stock(sku));
  });
  return r;
}
