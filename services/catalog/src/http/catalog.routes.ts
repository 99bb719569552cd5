import { createHash } from 'node:crypto';
import { type Response, Router } from 'express';
import {
  ProductCreateBody,
  ProductIdParams,
  ProductListQuery,
  PriceLookupBody,
  ProductUpdateBody,
  type SkuDto,
  type SkuPriceDto,
  SkuLookupParams,
} from '../../contract';
import type { BrowseCatalogUseCase } from '../app/browse-catalog.use-case';
import type { ManageCatalogUseCase } from '../app/manage-catalog.use-case';
import type { Product } from '../domain/product';
import { toCategoryDto, toPageDto, toProductDto, toProductSummary } from './catalog.mapper';

/**
 * HTTP caching for browsers and CDNs: browsers revalidate soon (max-age), shared caches keep the
 * page longer (s-maxage) and may serve it stale while refetching, and Surrogate-Key names what to
 * purge when catalog.product-changed arrives (docs/cdn.md in README).
 */
const PRODUCT_CACHE = 'public, max-age=30, s-maxage=300, stale-while-revalidate=60';
const LISTING_CACHE = 'public, max-age=5, s-maxage=30, stale-while-revalidate=30';

export function catalogRoutes(uc: { browse: BrowseCatalogUseCase; manage: ManageCatalogUseCase }): Router {
  const r = Router();

  r.get('/categories', async (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300');
    res.json((await uc.browse.categories()).map(toCategoryDto));
  });

  r.get('/products', async (req, res) => {
    const query = ProductListQuery.parse(req.query);
    const page = await uc.browse.list(query);
    res.set({
      'Cache-Control': LISTING_CACHE,
      'Surrogate-Key': query.category ? `listing category-${query.category}` : 'listing',
    });
    res.json(toPageDto(page, toProductSummary));
  });

  r.get('/products/:id', async (req, res) => {
    const { id } = ProductIdParams.parse(req.params);
    sendProduct(res, await uc.browse.get(id), req.get('if-none-match'));
  });

  // Internal (orders prices a cart or an order in one call); never cached.
  r.post('/prices', async (req, res) => {
    const { skus } = PriceLookupBody.parse(req.body);
    const items: SkuPriceDto[] = (await uc.browse.prices(skus)).map((p) => ({
      sku: p.sku,
      productId: p.productId,
      name: p.name,
      category: p.category,
      price: { amount: p.price.amount, currency: p.price.currency },
    }));
    res.set('Cache-Control', 'no-store').json({ items });
  });

  // Internal (inventory asks before it keeps stock for a SKU): never cached, a product may be created any time.
  r.get('/skus/:sku', async (req, res) => {
    const { sku } = SkuLookupParams.parse(req.params);
    const dto: SkuDto = { sku, productId: await uc.browse.productIdBySku(sku) };
    res.set('Cache-Control', 'no-store').json(dto);
  });

  r.post('/products', async (req, res) => {
    const product = await uc.manage.create(ProductCreateBody.parse(req.body));
    res.status(201).location(`/products/${product.id}`);
    sendProduct(res, product);
  });

  r.patch('/products/:id', async (req, res) => {
    const { id } = ProductIdParams.parse(req.params);
    sendProduct(res, await uc.manage.update(id, ProductUpdateBody.parse(req.body)));
  });
  return r;
}

function sendProduct(res: Response, product: Product, ifNoneMatch?: string): void {
  const dto = toProductDto(product);
  // A strong ETag over the whole public view: any field change (price, name) changes it.
  const etag = `"${createHash('sha1').update(JSON.stringify(dto)).digest('base64url')}"`;
  res.set({
    ETag: etag,
    'Cache-Control': PRODUCT_CACHE,
    'Surrogate-Key': `product-${product.id} sku-${product.sku} category-${product.category.slug}`,
  });
  if (ifNoneMatch?.split(/\s*,\s*/).includes(etag)) return void res.status(304).end();
  res.json(dto);
}
