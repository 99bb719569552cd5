import { startStack, type TestStack } from '@dbcarts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrivateRedis, startPrivateRedis } from '../support/private-redis';
import { call, eventually, expectBoundedAnswer } from '../support/stall-probe';

// Issue 9, item 3: with Redis paused (CLIENT PAUSE 15000 ALL) a product listing and a login each
// took 15 s, exactly as long as the pause. Here the whole stack (the gateway's rate limiter and
// login throttle, the state store, the cache, configuration, broadcast) runs on a Redis of the
// test's own, so pausing it stalls nobody else's run.
const PAUSE_MS = 15_000;
const PASSWORD = 'correct horse battery 1';

let redis: PrivateRedis;
let stack: TestStack;
let gateway: string;
const email = `stall-${Date.now().toString(36)}@example.test`;

beforeAll(async () => {
  redis = await startPrivateRedis();
  stack = await startStack({
    apps: ['users', 'catalog', 'gateway'],
    appEnv: { catalog: { SEED_CATALOG_PRODUCTS: '14' } },
    env: { REDIS_URL: `${redis.url}/0` },
    metadata: redis.metadata,
  });
  gateway = stack.appUrl('gateway');
  const reg = await call(gateway, 'POST', '/api/auth/register', { email, password: PASSWORD, name: 'Stall' });
  expect(reg.status).toBe(201);
});
afterAll(async () => {
  await stack?.stop();
  await redis?.stop();
});

let n = 0;
// A page no cache holds yet, so the catalog reads it (a cached page would dodge the stall).
const listing = () => call(gateway, 'GET', `/api/products?pageSize=${(n++ % 20) + 1}&sort=price_desc`);
const login = () => call(gateway, 'POST', '/api/auth/login', { email, password: PASSWORD });

describe('Redis stalled (CLIENT PAUSE ALL)', () => {
  it('a listing and a login answer within the bound while Redis is paused, and succeed again after it without restarts', async () => {
    expect((await listing()).status).toBe(200);
    expect((await login()).status).toBe(200);

    await redis.pause(PAUSE_MS);
    const pausedAt = Date.now();
    const during = await Promise.all([listing(), listing(), login(), listing(), login()]);
    expect(Date.now() - pausedAt).toBeLessThan(PAUSE_MS - 2000); // all answered while the pause still held
    for (const a of during) expectBoundedAnswer(a);

    // A few more while still paused: the rate limit fails open (never 429), nothing queues up behind the stall.
    const more = await Promise.all([listing(), login()]);
    for (const a of more) expectBoundedAnswer(a);

    await new Promise((r) => setTimeout(r, Math.max(0, pausedAt + PAUSE_MS - Date.now())));
    const list = await eventually(listing, 200, 10_000);
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    const again = await eventually(login, 200, 10_000);
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body.accessToken).toEqual(expect.any(String));
  });
});
