// bench/gateway: what authentication and rate limiting cost at the edge. The same edge-cached
// product read through the gateway, with and without a valid access token, next to a bare express
// hello-world in the same run. Goal: token checking + rate limiting cost <= 15% of the anonymous read.
//   npm run bench:gateway [-- --quick]
import { createRequire } from 'node:module';
import { startBaselineServer } from './baseline-server.mjs';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');
const { startStack, TEST_ADMIN } = require('@dbcarts/testing');

const QUICK = process.argv.includes('--quick');
const SECONDS = Number(process.env.GATEWAY_SECONDS ?? (QUICK ? 4 : 10));
const log = (m) => console.error(`[bench] ${m}`);

const run = (url, headers = {}) =>
  new Promise((resolve, reject) =>
    autocannon({ url, connections: 64, duration: SECONDS, headers }, (err, r) =>
      err
        ? reject(err)
        : resolve({
            opsPerS: Math.round(r.requests.average),
            p50: r.latency.p50,
            p99: r.latency.p99,
            errors: r.errors + r.timeouts + r.non2xx,
          }),
    ),
  );

async function main() {
  log('starting users, catalog and gateway with their sidecars...');
  const stack = await startStack({
    apps: ['users', 'catalog', 'gateway'],
    appEnv: { catalog: { SEED_CATALOG_PRODUCTS: '14' }, gateway: { RATE_LIMIT_PER_MINUTE: '100000000' } },
  });
  const hello = await startBaselineServer('hello.server.mjs');
  const port = hello.port;
  try {
    const gw = stack.appUrl('gateway');
    const login = await (
      await fetch(`${gw}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(TEST_ADMIN),
      })
    ).json();
    const id = (await (await fetch(`${gw}/api/products?pageSize=1`)).json()).items[0].id;
    const url = `${gw}/api/products/${id}`;
    await fetch(url); // fill the edge cache

    const base = await run(`http://127.0.0.1:${port}/hello`);
    log(`bare express hello-world: ${base.opsPerS} req/s p50 ${base.p50} ms`);
    const anon = await run(url);
    log(`edge-cached product, anonymous: ${anon.opsPerS} req/s p50 ${anon.p50} ms p99 ${anon.p99} ms`);
    const authed = await run(url, { authorization: `Bearer ${login.accessToken}` });
    log(`edge-cached product, with a valid token: ${authed.opsPerS} req/s p50 ${authed.p50} ms p99 ${authed.p99} ms`);

    console.log(
      JSON.stringify({
        scenario: 'gateway-authenticated-cached-read',
        ops_per_s: authed.opsPerS,
        p50_ms: authed.p50,
        p99_ms: authed.p99,
        baseline: 'the same read without a token (same run); bare express hello-world also given',
        baseline_ops_per_s: anon.opsPerS,
        ratio: Number((authed.opsPerS / anon.opsPerS).toFixed(3)),
        auth_cost_pct: Number((100 * (1 - authed.opsPerS / anon.opsPerS)).toFixed(1)),
        hello_ops_per_s: base.opsPerS,
        errors: anon.errors + authed.errors,
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
