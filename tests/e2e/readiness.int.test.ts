import { startStack, type TestStack } from '@dbcarts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Issue 12: the gateway's /healthz answered before the services behind it were routable, and the
// first requests got 503s. Here the gateway starts while catalog and inventory are down, and from
// its first ready answer on, their routes must never answer 503.
let stack: TestStack;
let gateway: string;
let sku: string;

beforeAll(async () => {
  stack = await startStack({
    apps: ['catalog', 'inventory', 'gateway'],
    appEnv: { catalog: { SEED_CATALOG_PRODUCTS: '3' } },
  });
  gateway = stack.appUrl('gateway');
  sku = (await (await fetch(`${gateway}/api/products?pageSize=1`)).json()).items[0].sku;
}, 180_000);
afterAll(() => stack?.stop());

const get = async (path: string) => {
  const res = await fetch(`${gateway}${path}`, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: await res.json().catch(() => undefined) };
};

describe('gateway /readyz', () => {
  it('is not ready while the services behind it are down; from its first 200 on, their routes answer without 503', async () => {
    // Catalog and inventory stopped (their sidecars stay), then a fresh gateway process.
    await Promise.all([stack.stack.stopAppProcess('catalog'), stack.stack.stopAppProcess('inventory')]);
    await stack.stack.stopAppProcess('gateway');
    await stack.stack.startAppProcess('gateway', 0, false);
    const deadline = Date.now() + 30_000;
    while ((await fetch(`${gateway}/healthz`).catch(() => undefined))?.status !== 200) {
      if (Date.now() > deadline) throw new Error('gateway never came up');
      await new Promise((r) => setTimeout(r, 100));
    }
    // Alive but not ready: /healthz stays cheap, /readyz names the missing upstreams' check.
    const notReady = await get('/readyz');
    expect(notReady.status).toBe(503);
    expect(notReady.body).toMatchObject({ status: 'not_ready', checks: { sidecar: 'ok', upstreams: 'failed' } });

    await Promise.all([
      stack.stack.startAppProcess('catalog', 0, false),
      stack.stack.startAppProcess('inventory', 0, false),
    ]);
    let polls = 0;
    while ((await get('/readyz')).status !== 200) {
      polls++;
      if (Date.now() > deadline + 60_000) throw new Error('gateway never became ready');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(polls).toBeGreaterThan(0);
    // From the first 200 on: every call to catalog and inventory routes answers, none with 503.
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const answers = await Promise.all([
        get(`/api/products?pageSize=${(i % 5) + 1}`),
        get(`/api/inventory/${sku}`),
        get('/api/categories'),
      ]);
      statuses.push(...answers.map((a) => a.status));
    }
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(40);
  }, 150_000);

  it('a lost upstream after start leaves the gateway ready but degraded', async () => {
    await stack.stack.stopAppProcess('catalog');
    const start = Date.now();
    let body: { status?: string; checks?: Record<string, string> } | undefined;
    let status = 0;
    while (Date.now() - start < 10_000) {
      ({ status, body } = await get('/readyz'));
      if (body?.checks?.upstreams === 'degraded') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ready', checks: { upstreams: 'degraded' } });
    await stack.stack.startAppProcess('catalog');
  }, 60_000);
});
