// bench/flash-drop: one hot SKU, a drop of DROP_UNITS units, customers pressing "buy" at once. Every
// claim is one HTTP request to the gateway with a customer's own token (minted with the dev signing
// key from the secret store, as the users service signs them) and its own Idempotency-Key; the
// gateway authenticates it, rate-limits it (on, with a per-address budget a drop is configured with,
// since all load comes from one address here) and claims through the batching inventory client from
// the SKU's actor. Same-run baseline: bench/claims-baseline.server.mjs (express, the same token
// verified with jose, one Lua script on Redis doing the same idempotent capped decrement), with the
// same connections, warm-up and duration. The load generator is its own process (autocannon) for
// both sides. After each run the drop is checked from stored state on both sides: exactly the
// drop's units claimed, every 201 one of them, nothing oversold. Also: gateway CPU per claim. Every run
// (warm-up or measured) has customers of its own, the same for both sides: the gateway has verified none
// of their tokens before it (it remembers verified tokens, so a customer pressing again costs less).
//   npm run bench:flash-drop [-- --quick]   DROP_LEVELS=64,256,1024 DROP_SECONDS=10 DROP_UNITS=5000 DROP_CPU_PROF=dir
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { startBaselineServer } from './baseline-server.mjs';
import { cpuDelta, cpuSnapshot, cpuSummary } from './lib/cpu.mjs';

const require = createRequire(import.meta.url);
const SELF = fileURLToPath(import.meta.url);
const QUICK = process.argv.includes('--quick');
const LEVELS = (process.env.DROP_LEVELS ?? (QUICK ? '256' : '64,256,1024')).split(',').map(Number);
const SECONDS = Number(process.env.DROP_SECONDS ?? 10);
const WARMUP_S = Number(process.env.DROP_WARMUP_SECONDS ?? 3);
const UNITS = Number(process.env.DROP_UNITS ?? 5000);
const CUSTOMERS = Number(process.env.DROP_CUSTOMERS ?? (QUICK ? 5000 : 20000));
const LABELS = { '--load-worker': 'load generator', 'claims-baseline': 'baseline' };
const log = (m) => console.error(`[bench] ${m}`);

/** Load generator (child process): one autocannon run per message; a new customer and key per request. */
function loadWorker() {
  const autocannon = require('autocannon');
  let tokens = [];
  process.on('message', async (msg) => {
    if (msg.tokens) {
      tokens = msg.tokens;
      return void process.send({ ready: true });
    }
    // This run's own customers: a slice no earlier run used, so the gateway has verified none of
    // their tokens yet (within the run, a customer pressing again reuses theirs, as in a real drop).
    const mine = tokens.slice(msg.from, msg.from + msg.customers);
    let n = 0;
    const r = await autocannon({
      url: msg.url,
      connections: msg.connections,
      duration: msg.duration,
      requests: [
        {
          method: 'POST',
          path: msg.path,
          setupRequest: (req) => {
            const i = n++;
            req.headers = {
              ...req.headers,
              'content-type': 'application/json',
              authorization: `Bearer ${mine[i % mine.length]}`,
              'idempotency-key': `${msg.run}-${i}`,
            };
            req.body = '{"quantity":1}';
            return req;
          },
        },
      ],
    });
    process.send({
      requests: r.requests.total,
      ops_per_s: Math.round(r.requests.total / msg.duration),
      p50_ms: r.latency.p50,
      p99_ms: r.latency.p99,
      statuses: Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([k, v]) => [k, v.count])),
      errors: r.errors + r.timeouts,
    });
  });
  process.send({ ready: true });
}

async function main() {
  const { startStack, TEST_ADMIN } = require('@dbcarts/testing');
  const { importJWK, SignJWT } = require('jose');
  const { Redis } = require('ioredis');
  const prof = process.env.DROP_CPU_PROF; // a directory: V8 profiles of the gateway and inventory
  const stack = await startStack({
    apps: ['users', 'catalog', 'inventory', 'gateway'],
    nodeArgs: prof
      ? Object.fromEntries(['gateway', 'inventory'].map((a) => [a, ['--cpu-prof', `--cpu-prof-dir=${prof}/${a}`]]))
      : undefined,
    appEnv: {
      catalog: { SEED_CATALOG_PRODUCTS: String(LEVELS.length * 2 + 2) },
      // Limiter on: every claim pays its shared-budget check; the budget is sized for one address
      // sending a whole drop's traffic (a real drop spreads over many addresses).
      gateway: { RATE_LIMIT_PER_MINUTE: '100000000' },
    },
  });
  const gw = stack.appUrl('gateway');
  const call = async (method, url, body, token) => {
    const res = await fetch(url, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: await res.json().catch(() => undefined) };
  };
  const jwk = JSON.parse(stack.secrets['jwt-signing-key']);
  const key = await importJWK(jwk, 'ES256');
  const { d: _private, ...publicJwk } = jwk;
  const t0 = performance.now();
  const tokens = await Promise.all(
    Array.from({ length: CUSTOMERS * 2 * LEVELS.length }, (_, i) =>
      new SignJWT({ roles: ['customer'], sid: `s${i}` })
        .setProtectedHeader({ alg: 'ES256', kid: jwk.kid, typ: 'at+jwt' })
        .setSubject(`drop-customer-${i}`)
        .setIssuer(gw)
        .setAudience('dbcarts-api')
        .setIssuedAt()
        .setExpirationTime('2h')
        .sign(key),
    ),
  );
  log(`${tokens.length} customer tokens minted in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const baseline = await startBaselineServer('claims-baseline.server.mjs', {
    REDIS_DB: String(stack.redisDb),
    CLAIMS_PUBLIC_JWK: JSON.stringify(publicJwk),
    CLAIMS_ISSUER: gw,
  });
  const redis = new Redis({ host: '127.0.0.1', port: 6379, db: stack.redisDb });
  const worker = fork(SELF, ['--load-worker'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = () => new Promise((resolve) => worker.once('message', resolve));
  await next();
  worker.send({ tokens });
  await next();
  let slice = 0;
  /** Each run (warm-up or measured, either side) its own CUSTOMERS customers; both sides get the same slices. */
  const drive = (url, path, connections, duration, from) => {
    worker.send({ url, path, connections, duration, run: randomUUID(), from, customers: CUSTOMERS });
    return next();
  };

  const admin = (await call('POST', `${gw}/api/auth/login`, TEST_ADMIN)).body.accessToken;
  const skus = (await call('GET', `${gw}/api/products?pageSize=50&sort=name`)).body.items.map((p) => p.sku);
  /** A fresh drop on the platform: stock, then a running sale of UNITS, one per customer. */
  const platformDrop = async (sku) => {
    await call('PUT', `${gw}/api/inventory/${sku}`, { onHand: UNITS * 10 }, admin);
    const sale = await call(
      'POST',
      `${gw}/api/flash-sales`,
      {
        sku,
        price: { amount: 990, currency: 'USD' },
        startsAt: new Date(Date.now() - 1000).toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        quantity: UNITS,
        perCustomerLimit: 1,
      },
      admin,
    );
    if (sale.status !== 201) throw new Error(`flash sale for ${sku}: ${sale.status} ${JSON.stringify(sale.body)}`);
  };
  const rows = [];
  try {
    for (const [i, connections] of LEVELS.entries()) {
      const [warmSku, sku] = [skus[2 * i], skus[2 * i + 1]];
      // --- platform
      await platformDrop(warmSku);
      const [warmSlice, runSlice] = [slice++ * CUSTOMERS, slice++ * CUSTOMERS];
      await drive(gw, `/api/flash-sales/${warmSku}/claims`, connections, WARMUP_S, warmSlice);
      await platformDrop(sku);
      const before = cpuSnapshot(LABELS);
      const p = await drive(gw, `/api/flash-sales/${sku}/claims`, connections, SECONDS, runSlice);
      const cpu = cpuDelta(before, cpuSnapshot(LABELS));
      const stock = (await call('GET', `${gw}/api/inventory/${sku}`)).body;
      const left = (await call('GET', `${gw}/api/flash-sales/active`)).body.find((s) => s.sku === sku)?.remaining;
      const pExact = stock.reserved === UNITS && left === 0 && (p.statuses['201'] ?? 0) === UNITS;
      // --- baseline
      const base = baseline.url;
      await call('PUT', `${base}/drops/${warmSku}`, { units: UNITS, limit: 1 });
      await drive(base, `/api/flash-sales/${warmSku}/claims`, connections, WARMUP_S, warmSlice);
      await call('PUT', `${base}/drops/${sku}`, { units: UNITS, limit: 1 });
      const bBefore = cpuSnapshot(LABELS);
      const b = await drive(base, `/api/flash-sales/${sku}/claims`, connections, SECONDS, runSlice);
      const bCpu = cpuDelta(bBefore, cpuSnapshot(LABELS));
      const drop = (await call('GET', `${base}/drops/${sku}`)).body;
      const bExact = drop.sold === UNITS && drop.claims === UNITS && (b.statuses['201'] ?? 0) === UNITS;
      const perClaim = (ms, label, n) => Number(((ms[label] ?? 0) / Math.max(1, n)).toFixed(3));
      const row = {
        connections,
        claims_per_s: p.ops_per_s,
        p50_ms: p.p50_ms,
        p99_ms: p.p99_ms,
        statuses: p.statuses,
        errors:
          p.errors +
          Object.entries(p.statuses)
            .filter(([s]) => s >= '500')
            .reduce((a, [, c]) => a + c, 0),
        gateway_cpu_ms_per_claim: perClaim(cpu.ms, 'gateway', p.requests),
        inventory_cpu_ms_per_claim: perClaim(cpu.ms, 'inventory', p.requests),
        sidecars_cpu_ms_per_claim: Number(
          Object.entries(cpu.ms)
            .filter(([k]) => k.startsWith('daprd:'))
            .reduce((a, [, v]) => a + v / Math.max(1, p.requests), 0)
            .toFixed(3),
        ),
        oversold: Math.max(0, stock.reserved - UNITS),
        exact: pExact,
        baseline_claims_per_s: b.ops_per_s,
        baseline_p50_ms: b.p50_ms,
        baseline_p99_ms: b.p99_ms,
        baseline_statuses: b.statuses,
        baseline_cpu_ms_per_claim: perClaim(bCpu.ms, 'baseline', b.requests),
        baseline_oversold: Math.max(0, drop.sold - UNITS),
        baseline_exact: bExact,
        ratio: Number((p.ops_per_s / Math.max(1, b.ops_per_s)).toFixed(3)),
      };
      rows.push(row);
      log(`      platform ${cpuSummary(cpu, p.requests, 8, 'claim')}`);
      log(`      baseline ${cpuSummary(bCpu, b.requests, 8, 'claim')}`);
      log(
        `${String(connections).padStart(4)} connections: platform ${p.ops_per_s} claims/s p50 ${p.p50_ms} p99 ${p.p99_ms} ms ${JSON.stringify(p.statuses)} gateway ${row.gateway_cpu_ms_per_claim} ms CPU/claim, exact ${pExact}` +
          ` | express+Lua ${b.ops_per_s}/s p50 ${b.p50_ms} p99 ${b.p99_ms} ms ${JSON.stringify(b.statuses)}, exact ${bExact} | ratio ${row.ratio}`,
      );
    }
  } finally {
    worker.kill();
    baseline.stop();
    redis.disconnect();
    await stack.stop();
  }
  const best = rows.reduce((a, r) => (r.claims_per_s > a.claims_per_s ? r : a), rows[0]);
  console.log(
    JSON.stringify({
      scenario: 'flash-drop',
      ops_per_s: best.claims_per_s,
      p50_ms: best.p50_ms,
      p99_ms: best.p99_ms,
      connections: best.connections,
      baseline: 'express + jose token check + Redis Lua capped decrement, one claim per request',
      baseline_ops_per_s: best.baseline_claims_per_s,
      ratio: best.ratio,
      errors: rows.reduce((a, r) => a + r.errors, 0),
      oversold: rows.reduce((a, r) => a + r.oversold, 0),
      baseline_oversold: rows.reduce((a, r) => a + r.baseline_oversold, 0),
      exact: rows.every((r) => r.exact),
      baseline_exact: rows.every((r) => r.baseline_exact),
      units_per_drop: UNITS,
      customers_per_run: CUSTOMERS,
      seconds: SECONDS,
      goals: { ratio_1: rows.every((r) => r.ratio >= 1), claims_10000_per_s: best.claims_per_s >= 10_000 },
      rows,
    }),
  );
}

if (process.argv.includes('--load-worker')) loadWorker();
else
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
