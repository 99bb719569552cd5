import { startStack, type TestStack } from '@dbcarts/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import { spellings } from '../support/path-spellings';

// Malformed requests across every public route: wrong methods, odd paths, bad JSON, wrong types,
// huge and hostile strings. The store must answer each with a 4xx problem (or a 2xx/3xx where the
// input happens to be valid), never a 5xx, and still be up afterwards.
let stack: TestStack;
let gw: string;

beforeAll(async () => {
  stack = await startStack({
    apps: ['users', 'catalog', 'inventory', 'payments', 'promotions', 'orders', 'notifications', 'gateway'],
    appEnv: { catalog: { SEED_CATALOG_PRODUCTS: '14' }, gateway: { RATE_LIMIT_PER_MINUTE: '10000000' } },
  });
  gw = stack.appUrl('gateway');
});
afterAll(() => stack?.stop());

const ROUTES = [
  ['GET', '/api/categories'],
  ['GET', '/api/products'],
  ['GET', '/api/products/{id}'],
  ['POST', '/api/products'],
  ['PATCH', '/api/products/{id}'],
  ['GET', '/api/inventory/{sku}'],
  ['PUT', '/api/inventory/{sku}'],
  ['GET', '/api/flash-sales/active'],
  ['POST', '/api/flash-sales'],
  ['POST', '/api/auth/register'],
  ['POST', '/api/auth/login'],
  ['POST', '/api/auth/refresh'],
  ['POST', '/api/auth/logout'],
  ['GET', '/api/me'],
  ['PATCH', '/api/me'],
  ['GET', '/api/me/addresses'],
  ['POST', '/api/me/addresses'],
  ['DELETE', '/api/me/addresses/{id}'],
  ['GET', '/api/me/sessions'],
  ['DELETE', '/api/me/sessions/{id}'],
  ['GET', '/oidc/jwks'],
  ['DELETE', '/api/products/{id}'],
  ['GET', '/.well-known/openid-configuration'],
  ['GET', '/oidc/auth'],
  ['POST', '/oidc/token'],
  ['GET', '/oidc/me'],
  ['POST', '/oidc/token/revocation'],
  ['POST', '/oidc/token/introspection'],
  ['GET', '/oidc/interaction/{id}'],
  ['POST', '/oidc/interaction/{id}/login'],
  ['GET', '/oidc/session/end'],
  ['GET', '/api/cart'],
  ['PUT', '/api/cart/items/{sku}'],
  ['DELETE', '/api/cart/items/{sku}'],
  ['POST', '/api/orders'],
  ['GET', '/api/orders'],
  ['GET', '/api/orders/{id}'],
  ['POST', '/api/orders/{id}/cancel'],
  ['POST', '/api/orders/{id}/returns'],
  ['GET', '/api/orders/{id}/invoice'],
  ['GET', '/api/admin/orders'],
  ['POST', '/api/admin/orders/{id}/ship'],
  ['GET', '/api/me/notifications'],
  ['POST', '/api/payments/webhooks/{id}'],
] as const;

const hostile = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    '../../etc/passwd',
    '%00',
    '<script>',
    "' OR 1=1 --",
    'ﬀ\u0000',
    'a'.repeat(5000),
    '{"$gt":""}',
    'NaN',
    '-1',
    '1e309',
  ),
  fc.uuid(),
  fc.integer().map(String),
);

const body = fc.oneof(
  fc.json(),
  fc.constantFrom(
    '{',
    '[]',
    'null',
    '"x"',
    '{"email":1}',
    '{"__proto__":{"admin":true}}',
    '{"onHand":-5}',
    '{"price":{"amount":1.5}}',
  ),
  fc
    .dictionary(
      fc.constantFrom(
        'email',
        'password',
        'name',
        'sku',
        'price',
        'onHand',
        'items',
        'quantity',
        'refreshToken',
        'roles',
        'id',
      ),
      fc.anything(),
      { maxKeys: 6 },
    )
    .map((o) => JSON.stringify(o)),
);

const request = fc.record({
  route: fc.constantFrom(...ROUTES),
  param: hostile,
  // Sometimes the parameter goes into the path as is: broken percent-encoding must be a 400 too.
  rawParam: fc.option(fc.constantFrom('%E0%A4%A', '%', '%zz', '%C0%AE%C0%AE', '..%2f..', '%2e%2e')),
  query: fc.option(
    fc.dictionary(
      fc.constantFrom(
        'page',
        'pageSize',
        'sort',
        'q',
        'minPrice',
        'maxPrice',
        'category',
        'client_id',
        'redirect_uri',
        'response_type',
        'scope',
        'code_challenge',
      ),
      hostile,
      {
        maxKeys: 4,
      },
    ),
  ),
  body: fc.option(body),
  auth: fc.option(fc.oneof(hostile, fc.constant('Bearer e30.e30.'), fc.constant('Bearer '))),
  contentType: fc.constantFrom(
    'application/json',
    'text/plain',
    'application/x-www-form-urlencoded',
    'application/json; charset=latin1',
  ),
});

describe('fuzzing the public API', () => {
  it('API4/API8:2023: answers 10,000 malformed requests without a single 5xx, and stays up', async () => {
    const samples = fc.sample(request, { numRuns: 10_000, seed: 20261125 });
    const fives: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        for (let i = next++; i < samples.length; i = next++) {
          const s = samples[i] as (typeof samples)[number];
          const [method, template] = s.route;
          const param = s.rawParam ?? encodeURIComponent(s.param);
          const path = template.replace('{id}', param).replace('{sku}', param);
          const qs = s.query ? `?${new URLSearchParams(s.query as Record<string, string>)}` : '';
          const res = await fetch(`${gw}${path}${qs}`, {
            method,
            // Header values must be ByteStrings on the wire; hostile bytes go in the path, query and body.
            headers: {
              'content-type': s.contentType,
              ...(s.auth ? { authorization: s.auth.replace(/[^\x20-\x7e]/g, '?') } : {}),
            },
            body: method === 'GET' || method === 'DELETE' || s.body === null ? undefined : s.body,
          });
          await res.arrayBuffer();
          if (res.status >= 500) fives.push(`${res.status} ${method} ${path}${qs} ${String(s.body).slice(0, 80)}`);
        }
      }),
    );
    expect(fives.slice(0, 10)).toEqual([]);
    expect((await fetch(`${gw}/readyz`)).status).toBe(200);
    expect((await fetch(`${gw}/api/categories`)).status).toBe(200);
  }, 300_000);
});

// What only a sidecar may call, per service: pub/sub deliveries and subscriptions, actor methods,
// and every route of a service that is reached only through Dapr.
const PRODUCT_ID = '00000000-0000-4000-8000-000000000001';
const SIDECAR_ONLY: Record<string, [string, string][]> = {
  gateway: [
    ['GET', '/dapr/subscribe'],
    ['GET', '/dapr/config'],
    ['POST', '/events/catalog/product-changed'],
    ['PUT', '/actors/InventoryItem/FSH-TEE-001/method/reserve'],
  ],
  catalog: [
    ['GET', '/dapr/subscribe'],
    ['POST', '/events/inventory/availability-changed'],
    ['GET', '/products'],
    ['POST', '/products'],
    ['PATCH', `/products/${PRODUCT_ID}`],
    ['GET', '/skus/FSH-TEE-001'],
    ['POST', '/prices'],
  ],
  inventory: [
    ['GET', '/dapr/config'],
    ['PUT', '/actors/InventoryItem/FSH-TEE-001/method/reserve'],
    ['GET', '/stock/FSH-TEE-001'],
    ['PUT', '/stock/FSH-TEE-001'],
    ['POST', '/reservations'],
  ],
  orders: [
    ['GET', '/dapr/subscribe'],
    ['POST', '/events/orders.confirmed'],
    ['GET', `/customers/${PRODUCT_ID}/cart`],
    ['POST', `/customers/${PRODUCT_ID}/orders`],
    ['POST', `/admin/orders/${PRODUCT_ID}/ship`],
  ],
  payments: [
    ['POST', '/payments'],
    ['POST', `/payments/${PRODUCT_ID}/void`],
    ['GET', `/ledger/${PRODUCT_ID}`],
    ['POST', '/webhooks/stripe'],
  ],
  notifications: [
    ['GET', '/dapr/subscribe'],
    ['POST', '/events/orders.confirmed'],
    ['GET', '/notifications'],
  ],
  users: [
    ['POST', '/auth/register'],
    ['POST', '/auth/login'],
    ['GET', `/users/${PRODUCT_ID}`],
    ['GET', '/oidc/jwks'],
  ],
};

describe('sidecar-only routes on every service', () => {
  it('API8:2023: refuse every spelling (case, //, %2F, /./, /../, trailing slash) without the app API token', async () => {
    const let_through: string[] = [];
    for (const [app, routes] of Object.entries(SIDECAR_ONLY)) {
      const base = stack.appUrl(app);
      for (const [method, path] of routes) {
        for (const spelled of spellings(path)) {
          for (const token of [undefined, 'not-the-token']) {
            const status = await rawRequest(base, method, spelled, token);
            if (status !== 404) let_through.push(`${app} ${method} ${spelled} → ${status}`);
          }
        }
      }
    }
    expect(let_through).toEqual([]);
  });
});

/** Sends the path byte for byte: fetch would resolve `/./` and `/../` before sending. */
function rawRequest(base: string, method: string, path: string, token?: string): Promise<number> {
  const { hostname, port } = new URL(base);
  const body = method === 'GET' ? undefined : JSON.stringify({ id: 'forged', data: { id: PRODUCT_ID } });
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: hostname,
        port,
        method,
        path,
        headers: { 'content-type': 'application/json', ...(token ? { 'dapr-api-token': token } : {}) },
        timeout: 10_000,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
