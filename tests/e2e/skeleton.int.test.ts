import { createInventoryClient } from '@dbcarts/inventory/client';
import { startStack, type TestStack } from '@dbcarts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The walking skeleton end to end: client → gateway → gateway's sidecar → service's sidecar → service.
let stack: TestStack;
let gateway: string;

beforeAll(async () => {
  stack = await startStack({
    apps: ['inventory', 'catalog', 'gateway'],
    appEnv: { catalog: { SEED_CATALOG_PRODUCTS: '14' } },
  });
  gateway = stack.appUrl('gateway');
});
afterAll(() => stack?.stop());

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${gateway}${path}`, { headers });

describe('walking skeleton through the gateway', () => {
  it('lists the five store categories', async () => {
    const res = await get('/api/categories');
    expect(res.status).toBe(200);
    const slugs = ((await res.json()) as { slug: string }[]).map((c) => c.slug).sort();
    expect(slugs).toEqual(['electronics', 'fashion', 'home', 'sports', 'toys']);
  });

  it('pages, filters and sorts products, with live availability from each SKU actor', async () => {
    const inventory = createInventoryClient(stack.sidecar('inventory'));
    await inventory.setStock('ELC-HPH-001', 7);
    // The listing's availability is a read model fed by inventory.availability-changed: eventually, in well under 3 s.
    const started = Date.now();
    let res = await get('/api/products?category=electronics&sort=price_desc&pageSize=2');
    while (((await res.clone().json()) as { items: { available: number }[] }).items[0]?.available !== 7) {
      if (Date.now() - started > 3000) break;
      await new Promise((r) => setTimeout(r, 50));
      res = await get('/api/products?category=electronics&sort=price_desc&pageSize=2');
    }
    expect(res.status).toBe(200);
    const page = (await res.json()) as {
      items: { sku: string; price: { amount: number }; available: number }[];
      total: number;
      page: number;
      pageSize: number;
    };
    expect(page).toMatchObject({ page: 1, pageSize: 2, total: 3 });
    expect(page.items.map((p) => p.sku)).toEqual(['ELC-HPH-001', 'ELC-KBD-002']);
    expect(page.items[0]).toMatchObject({ price: { amount: 19999, currency: 'USD' }, available: 7 });
    expect(page.items[1]?.available).toBe(0);

    const cheap = (await (await get('/api/products?maxPrice=2000&sort=price_asc')).json()) as {
      items: { price: { amount: number } }[];
    };
    expect(cheap.items.length).toBeGreaterThan(0);
    expect(cheap.items.every((p) => p.price.amount <= 2000)).toBe(true);
    const amounts = cheap.items.map((p) => p.price.amount);
    expect(amounts).toEqual([...amounts].sort((a, b) => a - b));
  });

  it('applies availability events in version order: a late or repeated event never moves it back', async () => {
    const inventory = createInventoryClient(stack.sidecar('inventory'));
    await inventory.setStock('TOY-PZL-002', 40);
    await inventory.setStock('TOY-PZL-002', 41);
    const available = async () => {
      const page = (await (await get('/api/products?category=toys&pageSize=100')).json()) as {
        items: { sku: string; available: number }[];
      };
      return page.items.find((p) => p.sku === 'TOY-PZL-002')?.available;
    };
    const start = Date.now();
    while ((await available()) !== 41 && Date.now() - start < 3000) await new Promise((r) => setTimeout(r, 50));
    expect(await available()).toBe(41);
    // A stale event (an old version) and a malformed one arrive late: neither changes the read model.
    const pub = stack.sidecar('inventory');
    await pub.publish('pubsub', 'inventory.availability-changed', {
      sku: 'TOY-PZL-002',
      onHand: 5,
      reserved: 0,
      available: 5,
      version: 1,
    });
    await pub.publish('pubsub', 'inventory.availability-changed', { sku: 'not a sku', available: -1 });
    await new Promise((r) => setTimeout(r, 1000));
    expect(await available()).toBe(41);
  });

  it('answers inventory through two sidecars', async () => {
    const sku = stack.uniqueId('SKU');
    // Inventory keeps stock only for SKUs the catalog knows (404 INVENTORY.UNKNOWN_SKU otherwise).
    await stack.sidecar('inventory').invokeService('catalog', 'POST', 'products', {
      body: { sku, name: 'Skeleton kite', category: 'toys', price: { amount: 1000, currency: 'USD' } },
    });
    await createInventoryClient(stack.sidecar('inventory')).setStock(sku, 12);
    const res = await get(`/api/inventory/${sku}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ sku, onHand: 12, reserved: 0, available: 12 });
  });

  it('serves a product with an ETag and answers 304 to If-None-Match', async () => {
    const list = (await (await get('/api/products?q=yoga')).json()) as { items: { id: string }[] };
    const id = list.items[0]?.id;
    expect(id).toBeDefined();
    const first = await get(`/api/products/${id}`);
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^".+"$/);
    expect(first.headers.get('cache-control')).toContain('max-age');
    expect(await first.json()).toMatchObject({ id, sku: 'SPT-YGM-001', category: 'sports' });
    const again = await get(`/api/products/${id}`, { 'if-none-match': etag ?? '' });
    expect(again.status).toBe(304);
  });

  it("relays the owning service's problem+json: unknown product, bad paging, bad SKU", async () => {
    const missing = await get('/api/products/6f1c2b0e-1d7a-4c1e-9a51-3f0b8f7d2a10');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect(await missing.json()).toMatchObject({ code: 'CATALOG.NOT_FOUND', status: 404 });

    const tooBig = await get('/api/products?pageSize=101');
    expect(tooBig.status).toBe(400);
    expect(await tooBig.json()).toMatchObject({ code: 'REQUEST.INVALID', errors: [{ path: 'pageSize' }] });

    const badSku = await get('/api/inventory/not%20a%20sku');
    expect(badSku.status).toBe(400);
    const unknownRoute = await get('/api/nope');
    expect(unknownRoute.status).toBe(404);
    expect(await unknownRoute.json()).toMatchObject({ code: 'ROUTE.NOT_FOUND' });
  });

  it('reports readiness of its sidecar and carries rate-limit headers', async () => {
    expect((await get('/readyz')).status).toBe(200);
    const res = await get('/api/categories');
    expect(res.headers.get('ratelimit-policy')).toMatch(/q=\d+;w=60/);
    expect(res.headers.get('ratelimit')).toMatch(/r=\d+;t=\d+/);
  });
});
