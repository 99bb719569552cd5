import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from '@dbcarts/devstack';
import { startStack, type TestStack } from '@dbcarts/testing';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Admin writes through the same Dapr invocation path the gateway uses (resiliency policy included).
// The shared cache runs on a Redis of its own, so the test can take it away mid-run without
// touching anyone else's: a committed write must then still answer success once, and its
// catalog.product-changed event must still go out (the gateway's edge copy is dropped).
let stack: TestStack;
let cacheRedis: ChildProcess | undefined;
let cachePort: number;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function startCacheRedis(): ChildProcess {
  const child = spawn('redis-server', ['--port', String(cachePort), '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  return child;
}

async function stopCacheRedis(): Promise<void> {
  const child = cacheRedis;
  cacheRedis = undefined;
  if (!child || child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

beforeAll(async () => {
  cachePort = await freePort();
  cacheRedis = startCacheRedis();
  await sleep(300);
  stack = await startStack({
    apps: ['catalog', 'gateway'],
    appEnv: { catalog: { SEED_CATALOG_PRODUCTS: '14' } },
    metadata: { 'cache.yaml#redisHost': `127.0.0.1:${cachePort}`, 'cache.yaml#redisDB': '0' },
  });
});
afterAll(async () => {
  await stack?.stop();
  await stopCacheRedis();
});

/** Through the gateway's sidecar to the catalog, as the gateway's admin routes call it. */
async function invoke(method: string, path: string, body?: unknown) {
  try {
    const res = await stack
      .sidecar('gateway')
      .invokeService<Record<string, unknown>>('catalog', method, path, { body });
    return { status: res.status, body: res.body };
  } catch (e) {
    const problem = (e as { problem?: { status: number; code: string } }).problem;
    return { status: problem?.status ?? 503, body: { code: problem?.code ?? (e as Error).name } };
  }
}

async function within(ms: number, probe: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  while (!(await probe())) {
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms`);
    await sleep(25);
  }
  return Date.now() - start;
}

const draft = (sku: string) => ({
  sku,
  name: 'Trail running shoe',
  brand: 'Northpeak',
  description: 'Grippy and light.',
  category: 'sports',
  price: { amount: 8999, currency: 'USD' },
  images: ['https://images.dbcarts.example/shoe.jpg'],
  attributes: { size: '42' },
  warranty: { months: 24, terms: 'Manufacturer warranty' },
});

describe('catalog writes', () => {
  it('a PATCH naming only the price changes only the price', async () => {
    const created = await invoke('POST', '/products', draft(stack.uniqueId('PATCH').toUpperCase()));
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const patched = await invoke('PATCH', `/products/${id}`, { price: { amount: 7999, currency: 'USD' } });
    expect(patched.status).toBe(200);
    const { brand, description, images, attributes, warranty, price } = patched.body;
    expect({ brand, description, images, attributes, warranty, price }).toEqual({
      brand: 'Northpeak',
      description: 'Grippy and light.',
      images: ['https://images.dbcarts.example/shoe.jpg'],
      attributes: { size: '42' },
      warranty: { months: 24, terms: 'Manufacturer warranty' },
      price: { amount: 7999, currency: 'USD' },
    });
    const empty = await invoke('PATCH', `/products/${id}`, {});
    expect(empty.status).toBe(400);
  });

  it('with the cache down, a committed write answers success once and its event still goes out', async () => {
    const sku = stack.uniqueId('NOCACHE').toUpperCase();
    const created = await invoke('POST', '/products', draft(sku));
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const gw = `${stack.appUrl('gateway')}/api/products/${id}`;
    // Cached at the edge (once the create's own event has gone by).
    await within(3_000, async () => (await fetch(gw)).headers.get('x-cache') === 'HIT');

    await stopCacheRedis();
    const second = await invoke('POST', '/products', draft(`${sku}-2`));
    expect(second.status).toBe(201); // before the fix: 409 CATALOG.SKU_TAKEN (retried after a 503) or 503
    const patched = await invoke('PATCH', `/products/${id}`, { price: { amount: 4242, currency: 'USD' } });
    expect(patched.status).toBe(200);
    // The event reached the gateway: its edge copy is gone and the new price is served.
    await within(2_000, async () => (await (await fetch(gw)).json()).price.amount === 4242);

    const db = await mysql.createConnection(`${process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306'}`);
    try {
      const [rows] = await db.query(
        `SELECT COUNT(*) AS n FROM \`${stack.database('catalog')}\`.products WHERE sku = ?`,
        [`${sku}-2`],
      );
      expect(Number((rows as { n: number }[])[0]?.n)).toBe(1);
      const [pending] = await db.query(`SELECT COUNT(*) AS n FROM \`${stack.database('catalog')}\`.outbox`);
      expect(Number((pending as { n: number }[])[0]?.n)).toBe(0);
    } finally {
      await db.end();
    }

    cacheRedis = startCacheRedis();
  });
});
