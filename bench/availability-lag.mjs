// bench/availability-lag: how far the catalog's availability read model trails inventory.
// Lag: a stock change, then the time until the catalog's listing shows it (event → consumer →
// conditional UPDATE → listing cache retired). Throughput: a burst of changes over many SKUs, and
// whether the read model keeps up with the writes (baseline: the writes' own rate, same run).
//   npm run bench:availability-lag [-- --quick]
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { startStack } = require('@dbcarts/testing');
const { createInventoryClient } = require('@dbcarts/inventory/client');

const QUICK = process.argv.includes('--quick');
const SAMPLES = QUICK ? 15 : 40;
const BURST = QUICK ? 30 : 100; // changes per SKU in the burst
const log = (m) => console.error(`[bench] ${m}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  log('starting placement, inventory and catalog (demo products) with their sidecars...');
  const stack = await startStack({
    apps: ['inventory', 'catalog'],
    appEnv: { catalog: { SEED_CATALOG_PRODUCTS: '14' } },
  });
  try {
    const inventory = createInventoryClient(stack.sidecar('inventory'));
    const catalogUrl = stack.appUrl('catalog');
    const listing = async () => {
      const page = await (await fetch(`${catalogUrl}/products?pageSize=100`, { headers: stack.sidecarHeaders })).json();
      return new Map(page.items.map((p) => [p.sku, p.available]));
    };
    const skus = [...(await listing()).keys()];

    const lags = [];
    for (let i = 0; i < SAMPLES; i++) {
      const sku = skus[i % skus.length];
      const value = 1000 + i;
      const t0 = performance.now();
      await inventory.setStock(sku, value);
      while ((await listing()).get(sku) !== value) {
        if (performance.now() - t0 > 10_000) throw new Error(`no update for ${sku} after 10 s`);
        await sleep(5);
      }
      lags.push(performance.now() - t0);
    }
    lags.sort((a, b) => a - b);
    const p = (q) => Number(lags[Math.min(lags.length - 1, Math.floor(q * lags.length))].toFixed(1));
    log(`lag over ${SAMPLES} changes: p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, max ${lags.at(-1).toFixed(1)} ms`);

    // Burst: every SKU changed BURST times concurrently; the read model must end at each last value.
    const t0 = performance.now();
    await Promise.all(
      skus.map(async (sku) => {
        for (let n = 1; n <= BURST; n++) await inventory.setStock(sku, 5000 + n);
      }),
    );
    const writeSeconds = (performance.now() - t0) / 1000;
    while ([...(await listing())].some(([, a]) => a !== 5000 + BURST)) {
      if (performance.now() - t0 > 60_000) throw new Error('read model did not converge in 60 s');
      await sleep(10);
    }
    const convergeSeconds = (performance.now() - t0) / 1000;
    const changes = skus.length * BURST;
    log(
      `burst: ${changes} changes written in ${writeSeconds.toFixed(2)} s; read model converged after ${convergeSeconds.toFixed(2)} s`,
    );

    console.log(
      JSON.stringify({
        scenario: 'availability-read-model',
        ops_per_s: Math.round(changes / convergeSeconds),
        p50_ms: p(0.5),
        p99_ms: p(0.99),
        baseline: 'inventory writes of the same burst (rate the read model must keep up with)',
        baseline_ops_per_s: Math.round(changes / writeSeconds),
        ratio: Number((writeSeconds / convergeSeconds).toFixed(3)),
        errors: 0,
        converge_after_last_write_ms: Math.round((convergeSeconds - writeSeconds) * 1000),
        samples: SAMPLES,
        skus: skus.length,
      }),
    );
  } finally {
    await stack.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
