import { ProductListQuerySchema, type CatalogClient } from '@dbcarts/catalog/client';
import { SkuParams } from '@dbcarts/inventory/contract';
import type { InventoryClient } from '@dbcarts/inventory/client';
import { Router } from 'express';
import { z } from 'zod';
import type { BrowseProductsUseCase } from '../app/browse-products.use-case';
import { docsPage, openApiDocument } from './openapi';
import type { ProductEdgeCache } from '../app/product-edge-cache';

export interface GatewayDeps {
  catalog: CatalogClient;
  inventory: InventoryClient;
  browse: BrowseProductsUseCase;
  edge: ProductEdgeCache;
}

const ProductIdParams = z.strictObject({ id: z.uuid() });

/** The public API (shared/api-contract.md): validated here, served by the owning services. */
export function gatewayRoutes(deps: GatewayDeps): Router {
  const r = Router();

  const doc = openApiDocument();
  r.get('/api/openapi.json', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').json(doc);
  });
  r.get('/api/docs', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').type('html').send(docsPage());
  });

  r.get('/api/categories', async (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').json(await deps.catalog.categories());
  });

  r.get('/api/products', async (req, res) => {
    const query = ProductListQuerySchema.parse(req.query);
    res.set('Cache-Control', 'public, max-age=5').json(await deps.browse.list(query));
  });

  r.get('/api/products/:id', async (req, res) => {
    const { id } = ProductIdParams.parse(req.params);
    let entry = deps.edge.get(id);
    if (entry) res.set('X-Cache', 'HIT');
    else {
      const epoch = deps.edge.epoch(id);
      const answer = await deps.catalog.product(id);
      entry = {
        etag: answer.etag ?? '',
        cacheControl: answer.cacheControl,
        surrogateKey: answer.surrogateKey,
        body: Buffer.from(JSON.stringify(answer.product)),
      };
      deps.edge.put(id, entry, epoch);
      res.set('X-Cache', 'MISS');
    }
    if (entry.etag) res.set('ETag', entry.etag);
    if (entry.cacheControl) res.set('Cache-Control', entry.cacheControl);
    if (entry.surrogateKey) res.set('Surrogate-Key', entry.surrogateKey);
    if (
      entry.etag &&
      req
        .get('if-none-match')
        ?.split(/\s*,\s*/)
        .includes(entry.etag)
    )
      return void res.status(304).end();
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(entry.body);
  });

  r.get('/api/flash-sales/active', async (_req, res) => {
    res.set('Cache-Control', 'public, max-age=2').json(await deps.inventory.activeFlashSales());
  });

  r.get('/api/inventory/:sku', async (req, res) => {
    const { sku } = SkuParams.parse(req.params);
    res.set('Cache-Control', 'no-store').json(await deps.inventory.stock(sku));
  });
  return r;
}
