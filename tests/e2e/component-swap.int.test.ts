import { randomUUID } from 'node:crypto';
import { startStack, TEST_ADMIN, type TestStack } from '@dbcarts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authQuery, Browser, exchangeCode, openSignIn, pkce, signIn } from '../support/oidc-browser';

// Swapping the state store is a component change: the same services, unchanged, on PostgreSQL and
// on MariaDB instead of Redis, keep the invariants that lean on the store's semantics: actor state
// (no oversell), ETag / create-only writes (one winner per authorization code, no lost session in
// a user's list), TTLs and bulk reads.
describe.each(['state-postgres', 'state-mariadb'])('with DAPR_PROFILE=%s', (profile) => {
  let stack: TestStack;
  let gw: string;

  beforeAll(async () => {
    // The catalog too: inventory keeps stock only for SKUs the catalog knows.
    stack = await startStack({ apps: ['users', 'catalog', 'inventory', 'gateway'], profiles: [profile] });
    gw = stack.appUrl('gateway');
  });
  afterAll(() => stack?.stop());

  const post = async (path: string, body: unknown, token?: string) => {
    const res = await fetch(`${gw}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json().catch(() => undefined)) as Record<string, string> };
  };

  it('sells 40 units to 120 concurrent buyers exactly once each (actor state on this store)', async () => {
    const inventory = stack.sidecar('inventory');
    const sku = stack.uniqueId('SWAP');
    await inventory.invokeService('catalog', 'POST', 'products', {
      body: { sku, name: 'Swap kite', category: 'toys', price: { amount: 1000, currency: 'USD' } },
    });
    await inventory.invokeService('inventory', 'PUT', `stock/${sku}`, { body: { onHand: 40 } });
    const outcomes = await Promise.all(
      Array.from({ length: 120 }, (_, n) =>
        inventory
          .invokeService('inventory', 'POST', 'reservations', { body: { sku, reservationId: `r-${n}`, quantity: 1 } })
          .then(
            () => 'won',
            (e: { problem?: { code?: string } }) => e.problem?.code ?? String(e),
          ),
      ),
    );
    expect(outcomes.filter((o) => o === 'won')).toHaveLength(40);
    expect(outcomes.filter((o) => o !== 'won').every((o) => o === 'INVENTORY.INSUFFICIENT')).toBe(true);
    const stock = await inventory.invokeService<{ available: number; reserved: number }>(
      'inventory',
      'GET',
      `stock/${sku}`,
    );
    expect(stock.body).toMatchObject({ available: 0, reserved: 40 });
  });

  it('keeps sessions: concurrent logins all listed, refresh rotation and reuse detection', async () => {
    const email = `${stack.uniqueId('sw').toLowerCase()}@example.test`;
    expect((await post('/api/auth/register', { email, password: 'correct horse 1', name: 'Sw' })).status).toBe(201);
    const logins = await Promise.all(
      Array.from({ length: 5 }, () => post('/api/auth/login', { email, password: 'correct horse 1' })),
    );
    expect(logins.every((l) => l.status === 200)).toBe(true);
    const [first] = logins as [(typeof logins)[0]];
    const listed = await fetch(`${gw}/api/me/sessions`, {
      headers: { authorization: `Bearer ${first.body.accessToken}` },
    });
    expect(((await listed.json()) as unknown[]).length).toBe(5);
    const rotated = await post('/api/auth/refresh', { refreshToken: first.body.refreshToken });
    expect(rotated.status).toBe(200);
    expect((await post('/api/auth/refresh', { refreshToken: first.body.refreshToken })).status).toBe(401);
    expect((await post('/api/auth/refresh', { refreshToken: rotated.body.refreshToken })).status).toBe(401);
  });

  it('gives an authorization code to exactly one of 6 concurrent exchanges (ETag on this store)', async () => {
    const email = `${stack.uniqueId('sc').toLowerCase()}@example.test`;
    expect((await post('/api/auth/register', { email, password: 'correct horse 1', name: 'Sc' })).status).toBe(201);
    const { verifier, challenge } = pkce();
    const browser = new Browser(gw);
    const action = await openSignIn(browser, authQuery(challenge, { state: randomUUID() }));
    const callback = await browser.follow(await signIn(browser, action, email, 'correct horse 1'));
    if (!(callback instanceof URL)) throw new Error(`sign-in ended at ${callback.status}`);
    const code = callback.searchParams.get('code') as string;
    const results = await Promise.all(Array.from({ length: 6 }, () => exchangeCode(gw, code, verifier)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.body.error === 'invalid_grant')).toHaveLength(5);
  });
});

// The same for the message broker: inventory's availability events reach the catalog's read model
// over Redis Streams, NATS JetStream and Kafka (kfake, a broker of the run's own) instead of RabbitMQ.
describe.each(['pubsub-redis', 'pubsub-nats', 'pubsub-kafka'])('with DAPR_PROFILE=%s', (profile) => {
  let stack: TestStack;
  let gw: string;

  beforeAll(async () => {
    stack = await startStack({
      apps: ['users', 'catalog', 'inventory', 'gateway'],
      profiles: [profile],
      appEnv: { catalog: { SEED_CATALOG_PRODUCTS: '14' } },
    });
    gw = stack.appUrl('gateway');
  });
  afterAll(() => stack?.stop());

  it("delivers inventory's availability changes to the catalog listing", async () => {
    const login = await fetch(`${gw}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(TEST_ADMIN),
    });
    const admin = ((await login.json()) as { accessToken: string }).accessToken;
    const listing = async () =>
      (
        (await (await fetch(`${gw}/api/products?pageSize=100`)).json()) as {
          items: { sku: string; available: number }[];
        }
      ).items;
    const [product] = await listing();
    if (!product) throw new Error('no seeded product');
    const want = product.available + 7;
    const put = await fetch(`${gw}/api/inventory/${product.sku}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ onHand: want }),
    });
    expect(put.status).toBe(200);
    let seen: number | undefined;
    for (let i = 0; i < 100 && seen !== want; i++) {
      await new Promise((r) => setTimeout(r, 100));
      seen = (await listing()).find((p) => p.sku === product.sku)?.available;
    }
    expect(seen).toBe(want);
  });
});
