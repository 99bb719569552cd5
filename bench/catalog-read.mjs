// bench/catalog-read: public product reads through the gateway (edge cache, ETag) next to a bare
// express hello-world measured in the same run, plus the catalog's own cached read through its
// sidecar (shared Dapr state cache) for scale. Ends with one JSON line.
//   npm run bench:catalog-read [-- --quick]      (READ_SECONDS=10 READ_CONNECTIONS=64)
import { createRequire } from 'node:module';
import { startBaselineServer } from './baseline-server.mjs';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');
const { startStack } = require('@dbcarts/testing');

const QUICK = process.argv.includes('--quick');
const SECONDS = Number(process.env.READ_SECONDS ?? (QUICK ? 4 : 10));
const CONNECTIONS = Number(process.env.READ_CONNECTIONS ?? 64);
const HOT = 100;
const log = (m) => console.error(`[bench] ${m}`);

function cannon(urls, headers = {}) {
  let n = 0;
  return new Promise((resolve, reject) =>
    autocannon(
      {
        url: urls[0],
        connections: CONNECTIONS,
        duration: SECONDS,
        headers,
        requests: [{ setupRequest: (req) => ({ ...req, path: new URL(urls[n++ % urls.length]).pathname }) }],
      },
      (err, r) =>
        err
          ? reject(err)
          : resolve({
              opsPerS: Math.round(r.requests.average),
              p50: r.latency.p50,
              p99: r.latency.p99,
              // 304 is the expected answer of the conditional run, not an error.
              errors:
                r.errors +
                r.timeouts +
                Object.entries(r.statusCodeStats ?? {})
                  .filter(([c]) => !/^(2|304)/.test(c))
                  .reduce((a, [, v]) => a + v.count, 0),
              codes: r.statusCodeStats,
            }),
    ),
  );
}

async function main() {
  log('starting placement, catalog (10,000 products) and gateway with their sidecars...');
  // READ_CPU_PROF=dir writes a V8 CPU profile of the gateway (open it in Chrome DevTools).
  const prof = process.env.READ_CPU_PROF;
  const stack = await startStack({
    apps: ['catalog', 'gateway'],
    nodeArgs: prof ? { gateway: ['--cpu-prof', `--cpu-prof-dir=${prof}`] } : undefined,
    appEnv: { catalog: { SEED_CATALOG_PRODUCTS: '10000' }, gateway: { RATE_LIMIT_PER_MINUTE: '100000000' } },
  });
  const hello = await startBaselineServer('hello.server.mjs');
  const port = hello.port;
  try {
    const gw = stack.appUrl('gateway');
    const page = await (
      await fetch(`${stack.appUrl('catalog')}/products?pageSize=100&sort=name`, { headers: stack.sidecarHeaders })
    ).json();
    const ids = page.items.slice(0, HOT).map((p) => p.id);
    const gatewayUrls = ids.map((id) => `${gw}/api/products/${id}`);
    for (const u of gatewayUrls) await fetch(u); // fill the edge cache
    const sidecarUrls = ids.map(
      (id) => `${stack.sidecar('gateway').baseUrl}/v1.0/invoke/catalog/method/products/${id}`,
    );

    const base = await cannon([`http://127.0.0.1:${port}/hello`]);
    log(`bare express hello-world: ${base.opsPerS} req/s p50 ${base.p50} ms p99 ${base.p99} ms`);
    const edge = await cannon(gatewayUrls);
    log(
      `gateway, edge-cached product (${HOT} hot ids): ${edge.opsPerS} req/s p50 ${edge.p50} ms p99 ${edge.p99} ms ${JSON.stringify(edge.codes)}`,
    );
    const notModified = await cannon([gatewayUrls[0]], {
      'if-none-match': (await fetch(gatewayUrls[0])).headers.get('etag'),
    });
    log(`gateway, If-None-Match → 304: ${notModified.opsPerS} req/s p50 ${notModified.p50} ms`);
    const shared = await cannon(sidecarUrls);
    log(
      `catalog via sidecar, shared Dapr-state cache: ${shared.opsPerS} req/s p50 ${shared.p50} ms p99 ${shared.p99} ms`,
    );

    console.log(
      JSON.stringify({
        scenario: 'catalog-read-gateway-cached',
        ops_per_s: edge.opsPerS,
        p50_ms: edge.p50,
        p99_ms: edge.p99,
        baseline: 'bare express hello-world (same run, same connections)',
        baseline_ops_per_s: base.opsPerS,
        ratio: Number((edge.opsPerS / base.opsPerS).toFixed(3)),
        errors: edge.errors + shared.errors + notModified.errors,
        not_modified_ops_per_s: notModified.opsPerS,
        catalog_shared_cache_ops_per_s: shared.opsPerS,
        connections: CONNECTIONS,
        seconds: SECONDS,
      }),
    );
  } finally {
    hello.stop();
    await stack.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
