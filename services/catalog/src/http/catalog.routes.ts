import { createHash } from 'node:crypto';
import { Router } from 'express';
import { ProductIdParams, ProductListQuery } from '../../contract';
import type { BrowseCatalogUseCase } from '../app/browse-catalog.use-case';
import { toCategoryDto, toPageDto, toProductDto, toProductSummary } from './catalog.mapper';

export function catalogRoutes(uc: { browse: BrowseCatalogUseCase }): Router {
  const r = Router();

  r.get('/categories', async (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300');
    res.json((await uc.browse.categories()).map(toCategoryDto));
  });

  r.get('/products', async (req, res) => {
    const query = ProductListQuery.parse(req.query);
    res.set('Cache-Control', 'public, max-age=5');
    res.json(toPageDto(await uc.browse.list(query), toProductSummary));
  });

  r.get('/products/:id', async (req, res) => {
    const { id } = ProductIdParams.parse(req.params);
    const dto = toProductDto(await uc.browse.get(id));
    // The ETag covers the whole public view, so any field change (price, name) changes it.
    const etag = `"${createHash('sha1').update(JSON.stringify(dto)).digest('base64url')}"`;
    res.set({ ETag: etag, 'Cache-Control': 'public, max-age=30, must-revalidate' });
    if (
      req
        .get('if-none-match')
        ?.split(/\s*,\s*/)
        .includes(etag)
    )
      return void res.status(304).end();
    res.json(dto);
  });
  return r;
}
