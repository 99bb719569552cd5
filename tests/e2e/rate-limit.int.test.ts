import { startStack, type TestStack } from '@dbcarts/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Two gateway instances share one budget (Redis), and the limit is live configuration.
let stack: TestStack;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  stack = await startStack({
    apps: ['users', 'catalog', 'gateway'],
    replicas: { gateway: 2 },
    appEnv: { catalog: { SEED_CATALOG_PRODUCTS: '14' } },
  });
});
afterAll(() => stack?.stop());

/** Sets a key in the Dapr configuration store (Redis: `value||version`), as an operator would. */
async function configure(value: string, version: number) {
  const redis = new Redis({ host: '127.0.0.1', port: 6379, db: stack.redisDb });
  try {
    await redis.set('gateway.ratelimit.default', `${value}||${version}`);
  } finally {
    redis.disconnect();
  }
}

async function policyEverywhere(q: number) {
  const deadline = Date.now() + 8000;
  for (;;) {
    const heads = await Promise.all(
      [0, 1].map(async (i) =>
        (await fetch(`${stack.appUrl('gateway', i)}/api/categories`)).headers.get('ratelimit-policy'),
      ),
    );
    if (heads.every((h) => h?.includes(`q=${q};`))) return;
    if (Date.now() > deadline) throw new Error(`limit ${q} not applied: ${heads.join(' | ')}`);
    await sleep(200);
  }
}

describe('edge rate limiting', () => {
  it('API4:2023 resource consumption: admits the configured limit across two gateway instances under a 10x burst, and takes a live change', async () => {
    await configure('40/60', 1);
    await policyEverywhere(40);
    // A 10x burst from one client (its address as the load balancer reports it) across both instances.
    const statuses = await Promise.all(
      Array.from({ length: 400 }, async (_, n) => {
        const res = await fetch(`${stack.appUrl('gateway', n % 2)}/api/categories`, {
          headers: { 'x-forwarded-for': '203.0.113.7' },
        });
        await res.arrayBuffer();
        return { status: res.status, retryAfter: res.headers.get('retry-after') };
      }),
    );
    const admitted = statuses.filter((s) => s.status === 200).length;
    expect(admitted).toBeGreaterThanOrEqual(38); // within 5% of the limit, shared by both instances
    expect(admitted).toBeLessThanOrEqual(42);
    const refused = statuses.filter((s) => s.status === 429);
    expect(refused.length + admitted).toBe(400);
    expect(refused.every((s) => Number(s.retryAfter) > 0)).toBe(true);

    await configure('100/60', 2);
    await policyEverywhere(100);
  });

  it('API2:2023 credential stuffing: failed logins on one account count once across both gateway instances', async () => {
    const gw = (i: number) => stack.appUrl('gateway', i);
    const email = `${stack.uniqueId('cs').toLowerCase()}@example.test`;
    const post = (i: number, path: string, body: object) =>
      fetch(`${gw(i)}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post(0, '/api/auth/register', { email, password: 'correct horse 1', name: 'Cy' })).status).toBe(201);
    // Ten failures, five on each instance: an instance counting alone would still let the next one in.
    for (let n = 0; n < 10; n++) {
      expect((await post(n % 2, '/api/auth/login', { email, password: `wrong password ${n}` })).status).toBe(401);
    }
    for (const i of [0, 1]) {
      const blocked = await post(i, '/api/auth/login', { email, password: 'correct horse 1' });
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });
});
