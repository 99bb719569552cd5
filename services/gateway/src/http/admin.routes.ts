import { randomUUID } from 'node:crypto';
import type { CatalogClient } from '@dbcarts/catalog/client';
import { FlashSaleBody, SetStockBody, Sku, SkuParams } from '@dbcarts/inventory/contract';
import type { InventoryClient } from '@dbcarts/inventory/client';
import { Router } from 'express';
import { z } from 'zod';
import type { JwksTokenVerifier } from '../infra/jwks-token.verifier';
import { authenticate } from './auth.middleware';

const ProductIdParams = z.strictObject({ id: z.uuid() });
const WithSku = z.looseObject({ sku: Sku });

/** Admin writes: every route needs a token with the admin role (403 for a customer). */
export function adminRoutes(
  deps: { catalog: CatalogClient; inventory: InventoryClient },
  verifier: JwksTokenVerifier,
): Router {
  const r = Router();
  const admin = authenticate(verifier, 'admin');

  r.post('/api/products', admin, async (req, res) => {
    res.status(201).json(await deps.catalog.createProduct(req.body));
  });
  r.patch('/api/products/:id', admin, async (req, res) => {
    const { id } = ProductIdParams.parse(req.params);
    res.json(await deps.catalog.updateProduct(id, req.body));
  });
  r.put('/api/inventory/:sku', admin, async (req, res) => {
    const { sku } = SkuParams.parse(req.params);
    res.json(await deps.inventory.setStock(sku, SetStockBody.parse(req.body).onHand));
  });
  r.post('/api/flash-sales', admin, async (req, res) => {
    const { sku, ...rest } = WithSku.parse(req.body);
    // The sale's id is ours, never the client's; the rest is checked strictly (unknown fields → 400).
    const sale = FlashSaleBody.parse({ ...rest, id: `fs-${randomUUID()}` });
    res.status(201).json(await deps.inventory.startFlashSale(sku, sale));
  });
  return r;
}
