// bench/gateway: what authentication and rate limiting cost at the edge. The same edge-cached
// product read through the gateway, with and without a valid access token, next to a bare express
// hello-world in the same run. Goal: token checking + rate limiting cost <= 15% of the anonymous read.
//   npm run bench:gateway [-- --quick]
import { createRequire } from 'node:module';
import { Redis } from 'ioredis';
import { startBaselineServer } from './baseline-server.mjs';
import { listenerPid, processCpuMs } from './lib/cpu.mjs';
import { startLoadWorker } from './lib/load-worker.mjs';

const require = createRequire(import.meta.url);
const { startStack, TEST_ADMIN } = require('@dbcarts/testing');

const QUICK = process.argv.includes('--quick');
const SECONDS = Number(process.env.GATEWAY_SECONDS ?? (QUICK ? 4 : 10));
const log = (m) => console.error(`[bench] ${m}`);

// Requests/s depend on the load generator too (a child process, but on the same two cores); the
// gateway's own CPU time per request does not, so both are reported.
let load;
const run = async (url, headers = {}) => {
  const pid = listenerPid(new URL(url).port);
  const cpuBefore = processCpuMs(pid);
  const r = await load.run({ url, connections: 64, duration: SECONDS, headers });
  return { ...r, cpuUsPerReq: ((processCpuMs(pid) - cpuBefore) * 1000) / Math.max(1, r.total) };
};

async function main() {
  log('starting users, catalog and gateway with their sidecars...');
  // GATEWAY_CPU_PROF=dir writes a V8 CPU profile per gateway instance (open it in Chrome DevTools).
  const prof = process.env.GATEWAY_CPU_PROF;
  const stack = await startStack({
    apps: ['users', 'catalog', 'gateway'],
    nodeArgs: prof ? { gateway: ['--cpu-prof', `--cpu-prof-dir=${prof}`] } : undefined,
    appEnv: {
      catalog: { SEED_CATALOG_PRODUCTS: '14' },
      gateway: { RATE_LIMIT_PER_MINUTE: '100000000' },
      // The second gateway has no limiter: the plain unauthenticated cached read, the baseline.
      'gateway#1': { RATE_LIMIT_ENABLED: 'false' },
    },
    // #0 and #2 share one limited budget (the 10x burst goes to both); #1 has no limiter.
    replicas: { gateway: 3 },
  });
  const hello = await startBaselineServer('hello.server.mjs');
  load = await startLoadWorker();
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
      cpuUsPerReq: Number((rs.reduce((a, r) => a + r.cpuUsPerReq, 0) / rs.length).toFixed(1)),
    });
    const plain = avg(rounds.plain);
    const anon = avg(rounds.anon);
    const authed = avg(rounds.authed);
    log(
      `edge-cached product, anonymous, no rate limiter: ${plain.opsPerS} req/s p50 ${plain.p50} ms p99 ${plain.p99} ms, ${plain.cpuUsPerReq} µs CPU/req, errors ${plain.errors}`,
    );
    log(
      `edge-cached product, anonymous, rate-limited: ${anon.opsPerS} req/s p50 ${anon.p50} ms p99 ${anon.p99} ms, ${anon.cpuUsPerReq} µs CPU/req, errors ${anon.errors} ${JSON.stringify(rounds.anon.map((r) => r.statuses))}`,
    );
    log(
      `edge-cached product, valid token + rate limit: ${authed.opsPerS} req/s p50 ${authed.p50} ms p99 ${authed.p99} ms, ${authed.cpuUsPerReq} µs CPU/req, errors ${authed.errors} ${JSON.stringify(rounds.authed.map((r) => r.statuses))}`,
    );

    const burst = await burstAgainstSharedLimit(stack, `/api/products/${id}`);
    log(
      `10x burst over two limited instances: ${burst.admitted} admitted of ${burst.sent} for a limit of ${burst.limit}`,
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
        cpu_us_per_req: authed.cpuUsPerReq,
        baseline_cpu_us_per_req: plain.cpuUsPerReq,
        auth_and_rate_limit_cpu_cost_pct: Number((100 * (authed.cpuUsPerReq / plain.cpuUsPerReq - 1)).toFixed(1)),
        anonymous_rate_limited_ops_per_s: anon.opsPerS,
        hello_ops_per_s: base.opsPerS,
        errors: plain.errors + anon.errors + authed.errors,
        burst_limit: burst.limit,
        burst_sent: burst.sent,
        burst_admitted: burst.admitted,
        burst_within_5pct: Math.abs(burst.admitted - burst.limit) <= burst.limit * 0.05,
      }),
    );
  } finally {
    load.stop();
    hello.stop();
    await stack.stop();
  }
}

/**
 * Rate-limit accuracy: an operator sets a live limit (Dapr configuration store), then one client
 * sends ten times that across the two limited gateway instances at 64 in flight; admitted should be
 * the limit within 5%.
 */
async function burstAgainstSharedLimit(stack, path) {
  const limit = QUICK ? 500 : 2000;
  const redis = new Redis({ host: '127.0.0.1', port: 6379, db: stack.redisDb });
  await redis.set('gateway.ratelimit.default', `${limit}/60||1`);
  redis.disconnect();
  const urls = [0, 2].map((i) => `${stack.appUrl('gateway', i)}${path}`);
  for (const deadline = Date.now() + 10_000; ; ) {
    const heads = await Promise.all(urls.map(async (u) => (await fetch(u)).headers.get('ratelimit-policy')));
    if (heads.every((h) => h?.includes(`q=${limit};`))) break;
    if (Date.now() > deadline) throw new Error(`live limit not applied: ${heads.join(' | ')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const sent = limit * 10;
  let next = 0;
  let admitted = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      for (let n = next++; n < sent; n = next++) {
        const res = await fetch(urls[n % 2], { headers: { 'x-forwarded-for': '203.0.113.77' } });
        await res.arrayBuffer();
        if (res.status === 200) admitted++;
      }
    }),
  );
  return { limit, sent, admitted };
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
