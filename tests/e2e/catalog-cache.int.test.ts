import { startStack, type TestStack } from '@dbcarts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Two catalog instances share one cache; the gateway keeps an edge cache. A product change must be
// visible everywhere within 1 s, and the gateway must never serve the old version after the event.
let stack: TestStack;
const catalog = (i: number) => stack.appUrl('catalog', i);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  stack = await startStack({
    apps: ['catalog', 'gateway'],
    replicas: { catalog: 2 },
    appEnv: { catalog: { SEED_CATALOG_PRODUCTS: '14' } },
  });
});
afterAll(() => stack?.stop());

async function json(url: string, init?: RequestInit) {
  const res = await fetch(url, {
    ...init,
    headers: { 'content-type': 'application/json', ...stack.sidecarHeaders, ...init?.headers },
  });
  return { status: res.status, headers: res.headers, body: res.status === 304 ? undefined : await res.json() };
}

/** Polls until `ok` holds; returns how long it took. */
async function within(ms: number, probe: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  while (!(await probe())) {
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms`);
    await sleep(25);
  }
  return Date.now() - start;
}

describe('catalog caches', () => {
  it('a product change reaches both catalog instances and the gateway edge cache within 1 s', async () => {
    const list = await json(`${catalog(0)}/products?q=keyboard`);
    const id = list.body.items[0].id as string;
    const gw = `${stack.appUrl('gateway')}/api/products/${id}`;

    // Warm every layer: both instances (shared cache) and the gateway's edge cache.
    const before = await json(`${catalog(1)}/products/${id}`);
    await json(`${catalog(0)}/products/${id}`);
    expect((await fetch(gw)).headers.get('x-cache')).toBe('MISS');
    const warm = await fetch(gw);
    expect(warm.headers.get('x-cache')).toBe('HIT');
    expect(warm.headers.get('surrogate-key')).toContain(`product-${id}`);
    expect(warm.headers.get('cache-control')).toMatch(/s-maxage=\d+.*stale-while-revalidate=\d+/);

    const newPrice = before.body.price.amount + 101;
    const patched = await json(`${catalog(0)}/products/${id}`, {
      method: 'PATCH',
      body: JSON.stringify({ price: { amount: newPrice, currency: 'USD' } }),
    });
    expect(patched.status).toBe(200);
    expect(patched.body.price.amount).toBe(newPrice);

    for (const url of [`${catalog(0)}/products/${id}`, `${catalog(1)}/products/${id}`, gw]) {
      await within(1000, async () => (await json(url)).body.price.amount === newPrice);
    }
    // Once the gateway served the new version, it never serves the old one again.
    for (let i = 0; i < 20; i++) expect((await json(gw)).body.price.amount).toBe(newPrice);
    await within(
      1000,
      async () => (await json(`${catalog(1)}/products?q=keyboard`)).body.items[0].price.amount === newPrice,
    );

    // Conditional requests: the old ETag is stale (200), the new one answers 304 at every layer.
    const fresh = await fetch(gw);
    const etag = fresh.headers.get('etag') ?? '';
    expect(etag).not.toBe(before.headers.get('etag'));
    expect((await fetch(gw, { headers: { 'if-none-match': before.headers.get('etag') ?? '' } })).status).toBe(200);
    expect((await fetch(gw, { headers: { 'if-none-match': etag } })).status).toBe(304);
    expect(
      (await fetch(`${catalog(1)}/products/${id}`, { headers: { 'if-none-match': etag, ...stack.sidecarHeaders } }))
        .status,
    ).toBe(304);
  });

  it('creates products with validated fields only', async () => {
    const draft = {
      sku: stack.uniqueId('NEW'),
      name: 'Trail running shoes',
      brand: 'Stride',
      category: 'sports',
      price: { amount: 12999, currency: 'USD' },
      images: ['https://img.dbcarts.example/trail.jpg'],
      attributes: { size: '42' },
      warranty: { months: 12, terms: '12-month warranty' },
    };
    const created = await json(`${catalog(1)}/products`, { method: 'POST', body: JSON.stringify(draft) });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      sku: draft.sku,
      brand: 'Stride',
      category: 'sports',
      warranty: { months: 12 },
    });
    expect((await json(`${catalog(0)}/products/${created.body.id}`)).body.name).toBe('Trail running shoes');

    const dup = await json(`${catalog(0)}/products`, { method: 'POST', body: JSON.stringify(draft) });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('CATALOG.SKU_TAKEN');
    const ssrf = await json(`${catalog(0)}/products`, {
      method: 'POST',
      body: JSON.stringify({ ...draft, sku: stack.uniqueId('BAD'), images: ['http://169.254.169.254/latest'] }),
    });
    expect(ssrf.status).toBe(400);
    expect(ssrf.body.errors[0].path).toBe('images.0');
    const mass = await json(`${catalog(0)}/products/${created.body.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ id: 'x', createdAt: 'y' }),
    });
    expect(mass.status).toBe(400);
    const unknownCat = await json(`${catalog(0)}/products`, {
      method: 'POST',
      body: JSON.stringify({ ...draft, sku: stack.uniqueId('C'), category: 'garden' }),
    });
    expect(unknownCat.status).toBe(400);
    expect(unknownCat.body.code).toBe('CATALOG.UNKNOWN_CATEGORY');
  });
});
