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
            statuses: Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([k, v]) => [k, v.count])),
          }),
    ),
  );

async function main() {
  log('starting users, catalog and gateway with their sidecars...');
  const stack = await startStack({
    apps: ['users', 'catalog', 'gateway'],
    appEnv: {
      catalog: { SEED_CATALOG_PRODUCTS: '14' },
      gateway: { RATE_LIMIT_PER_MINUTE: '100000000' },
      // The second gateway has no limiter: the plain unauthenticated cached read, the baseline.
      'gateway#1': { RATE_LIMIT_ENABLED: 'false' },
    },
    replicas: { gateway: 2 },
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
    const plainUrl = `${stack.appUrl('gateway', 1)}/api/products/${id}`;
    await Promise.all([fetch(url), fetch(plainUrl)]); // fill both edge caches
    const auth = { authorization: `Bearer ${login.accessToken}` };

    const base = await run(`http://127.0.0.1:${port}/hello`);
    log(`bare express hello-world: ${base.opsPerS} req/s p50 ${base.p50} ms`);
    // Interleaved twice and averaged: a drift of the machine during the run hits every variant alike.
    const rounds = { plain: [], anon: [], authed: [] };
    for (let round = 0; round < 2; round++) {
      rounds.plain.push(await run(plainUrl));
      rounds.anon.push(await run(url));
      rounds.authed.push(await run(url, auth));
    }
    const avg = (rs) => ({
      opsPerS: Math.round(rs.reduce((a, r) => a + r.opsPerS, 0) / rs.length),
      p50: Math.max(...rs.map((r) => r.p50)),
      p99: Math.max(...rs.map((r) => r.p99)),
      errors: rs.reduce((a, r) => a + r.errors, 0),
    });
    const plain = avg(rounds.plain);
    const anon = avg(rounds.anon);
    const authed = avg(rounds.authed);
    log(
      `edge-cached product, anonymous, no rate limiter: ${plain.opsPerS} req/s p50 ${plain.p50} ms p99 ${plain.p99} ms, errors ${plain.errors}`,
    );
    log(
      `edge-cached product, anonymous, rate-limited: ${anon.opsPerS} req/s p50 ${anon.p50} ms p99 ${anon.p99} ms, errors ${anon.errors} ${JSON.stringify(rounds.anon.map((r) => r.statuses))}`,
    );
    log(
      `edge-cached product, valid token + rate limit: ${authed.opsPerS} req/s p50 ${authed.p50} ms p99 ${authed.p99} ms, errors ${authed.errors} ${JSON.stringify(rounds.authed.map((r) => r.statuses))}`,
    );

    console.log(
      JSON.stringify({
        scenario: 'gateway-authenticated-cached-read',
        ops_per_s: authed.opsPerS,
        p50_ms: authed.p50,
        p99_ms: authed.p99,
        baseline: 'the same read without a token on a gateway without rate limiter (same run)',
        baseline_ops_per_s: plain.opsPerS,
        ratio: Number((authed.opsPerS / plain.opsPerS).toFixed(3)),
        auth_and_rate_limit_cost_pct: Number((100 * (1 - authed.opsPerS / plain.opsPerS)).toFixed(1)),
        rate_limit_cost_pct: Number((100 * (1 - anon.opsPerS / plain.opsPerS)).toFixed(1)),
        goal_cost_pct: 15,
        anonymous_rate_limited_ops_per_s: anon.opsPerS,
        hello_ops_per_s: base.opsPerS,
        errors: plain.errors + anon.errors + authed.errors,
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
