// bench/flash-drop: one hot SKU, a drop of DROP_UNITS units, customers pressing "buy" at once. Every
// claim is one HTTP request to the gateway with a customer's own token (minted with the dev signing
// key from the secret store, as the users service signs them) and its own Idempotency-Key; the
// gateway authenticates it, rate-limits it (on, with a per-address budget a drop is configured with,
// since all load comes from one address here) and claims through the batching inventory client from
// the SKU's actor. Same-run baseline: bench/claims-baseline.server.mjs (express, the same token
// verified with jose, one Lua script on Redis doing the same idempotent capped decrement), with the
// same connections, warm-up and duration. The load generator is its own process (autocannon) for
// both sides. After each run the drop is checked from stored state on both sides: exactly the
// drop's units claimed, every 201 one of them, nothing oversold.
// Every run (warm-up or measured) has customers of its own, the same for both sides: the gateway has
// verified none of their tokens before it (it remembers verified tokens, so a customer pressing again
// costs less). Each level runs DROP_ROUNDS rounds, the side going first alternating, and reports
// medians: run-to-run noise on this box is ±20 % for either side. Also per claim: the gateway's CPU
// by thread (event loop, crypto pool, GC), the inventory's and the sidecars', and the actor's batches.
//   npm run bench:flash-drop [-- --quick]   DROP_LEVELS=64,256,1024 DROP_ROUNDS=3 DROP_SECONDS=10
//   DROP_UNITS=5000 DROP_CUSTOMERS=20000 DROP_CPU_PROF=dir DROP_IN_FLIGHT=n (the gateway's CLAIM_BATCHES_IN_FLIGHT)
//   DROP_GATEWAY_NODE_ARGS='--max-semi-space-size=32'
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { startBaselineServer } from './baseline-server.mjs';
import { startClaimsLoad } from './lib/claims-load.mjs';
import { cpuDelta, cpuSnapshot, cpuSummary, listenerPid, threadCpuMs } from './lib/cpu.mjs';

const require = createRequire(import.meta.url);
const QUICK = process.argv.includes('--quick');
const LEVELS = (process.env.DROP_LEVELS ?? (QUICK ? '256' : '64,256,1024')).split(',').map(Number);
const ROUNDS = Number(process.env.DROP_ROUNDS ?? (QUICK ? 1 : 3));
const SECONDS = Number(process.env.DROP_SECONDS ?? 10);
const WARMUP_S = Number(process.env.DROP_WARMUP_SECONDS ?? 3);
const UNITS = Number(process.env.DROP_UNITS ?? 5000);
const CUSTOMERS = Number(process.env.DROP_CUSTOMERS ?? (QUICK ? 5000 : 20000));
const LABELS = { '--claims-load': 'load generator', 'claims-baseline': 'baseline' };
const log = (m) => console.error(`[bench] ${m}`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return Number((s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2).toFixed(3));
};
const per = (ms, n) => Number((ms / Math.max(1, n)).toFixed(3));

async function main() {
  const { startStack, TEST_ADMIN } = require('@dbcarts/testing');
  const prof = process.env.DROP_CPU_PROF; // a directory: V8 profiles of the gateway and inventory
  const profArgs = (a) => (prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}/${a}`] : []);
  // Node flags for the gateway under test (e.g. heap settings), as its deployment would pass them.
  const gatewayArgs = (process.env.DROP_GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const stack = await startStack({
    apps: ['users', 'catalog', 'inventory', 'gateway'],
    nodeArgs: { gateway: [...gatewayArgs, ...profArgs('gateway')], inventory: profArgs('inventory') },
    appEnv: {
      catalog: { SEED_CATALOG_PRODUCTS: String(LEVELS.length * ROUNDS * 4 + 2) },
      // Limiter on: every claim pays its shared-budget check; the budget is sized for one address
      // sending a whole drop's traffic (a real drop spreads over many addresses).
      gateway: {
        RATE_LIMIT_PER_MINUTE: '100000000',
        ...(process.env.DROP_IN_FLIGHT ? { CLAIM_BATCHES_IN_FLIGHT: process.env.DROP_IN_FLIGHT } : {}),
      },
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
  const { d: _private, ...publicJwk } = jwk;
  const baseline = await startBaselineServer('claims-baseline.server.mjs', {
    REDIS_DB: String(stack.redisDb),
    CLAIMS_PUBLIC_JWK: JSON.stringify(publicJwk),
    CLAIMS_ISSUER: gw,
  });
  const load = await startClaimsLoad({ jwk, issuer: gw });
  const gatewayPid = listenerPid(new URL(gw).port);
  const inventoryMetrics = `http://127.0.0.1:${stack.stack.endpoints('inventory').appMetricsPort}/metrics`;
  /** The SKU actors' batches so far: reservations decided and turns taken, from the inventory's own metrics. */
  const actorSoFar = async () => {
    const text = await (await fetch(inventoryMetrics)).text();
    const value = (re) => Number(re.exec(text)?.[1] ?? 0);
    return {
      items: value(/inventory_actor_batch_size_sum\{[^}]*\} (\S+)/),
      turns: value(/inventory_actor_batch_size_count\{[^}]*\} (\S+)/),
      turnSeconds: value(/inventory_actor_turn_seconds_sum\{[^}]*method="reserveBatch"[^}]*\} (\S+)/),
    };
  };

  const admin = (await call('POST', `${gw}/api/auth/login`, TEST_ADMIN)).body.accessToken;
  const skus = (await call('GET', `${gw}/api/products?pageSize=100&sort=name`)).body.items.map((p) => p.sku);
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
  const baselineDrop = (sku) => call('PUT', `${baseline.url}/drops/${sku}`, { units: UNITS, limit: 1 });
  const drive = async (url, sku, connections, duration, from) => {
    await load.prepare({ from, customers: CUSTOMERS });
    return load.run({ url, path: `/api/flash-sales/${sku}/claims`, connections, duration, runId: randomUUID() });
  };

  /** One side's round: a warm-up on a drop of its own, then SECONDS on a fresh drop, checked from stored state. */
  const platformRun = async (connections, [warmSku, sku], [warmFrom, from]) => {
    await platformDrop(warmSku);
    await drive(gw, warmSku, connections, WARMUP_S, warmFrom);
    await platformDrop(sku);
    await load.prepare({ from, customers: CUSTOMERS });
    const [before, threads0, actor0] = [cpuSnapshot(LABELS), threadCpuMs(gatewayPid), await actorSoFar()];
    const r = await load.run({
      url: gw,
      path: `/api/flash-sales/${sku}/claims`,
      connections,
      duration: SECONDS,
      runId: randomUUID(),
    });
    const [cpu, threads1, actor1] = [
      cpuDelta(before, cpuSnapshot(LABELS)),
      threadCpuMs(gatewayPid),
      await actorSoFar(),
    ];
    const stock = (await call('GET', `${gw}/api/inventory/${sku}`)).body;
    const left = (await call('GET', `${gw}/api/flash-sales/active`)).body.find((s) => s.sku === sku)?.remaining;
    const turns = Math.max(1, actor1.turns - actor0.turns);
    const sidecars = Object.entries(cpu.ms).filter(([k]) => k.startsWith('daprd:'));
    return {
      ...r,
      cpu,
      gateway: per(cpu.ms.gateway ?? 0, r.requests),
      threads: Object.fromEntries(Object.keys(threads1).map((k) => [k, per(threads1[k] - threads0[k], r.requests)])),
      inventory: per(cpu.ms.inventory ?? 0, r.requests),
      sidecars: per(
        sidecars.reduce((a, [, v]) => a + v, 0),
        r.requests,
      ),
      batch: (actor1.items - actor0.items) / turns,
      turnMs: ((actor1.turnSeconds - actor0.turnSeconds) * 1000) / turns,
      oversold: Math.max(0, stock.reserved - UNITS),
      exact: stock.reserved === UNITS && left === 0 && (r.statuses['201'] ?? 0) === UNITS,
    };
  };
  const baselineRun = async (connections, [warmSku, sku], [warmFrom, from]) => {
    await baselineDrop(warmSku);
    await drive(baseline.url, warmSku, connections, WARMUP_S, warmFrom);
    await baselineDrop(sku);
    await load.prepare({ from, customers: CUSTOMERS });
    const before = cpuSnapshot(LABELS);
    const path = `/api/flash-sales/${sku}/claims`;
    const r = await load.run({ url: baseline.url, path, connections, duration: SECONDS, runId: randomUUID() });
    const cpu = cpuDelta(before, cpuSnapshot(LABELS));
    const drop = (await call('GET', `${baseline.url}/drops/${sku}`)).body;
    return {
      ...r,
      cpu,
      own: per(cpu.ms.baseline ?? 0, r.requests),
      oversold: Math.max(0, drop.sold - UNITS),
      exact: drop.sold === UNITS && drop.claims === UNITS && (r.statuses['201'] ?? 0) === UNITS,
    };
  };

  const rows = [];
  let nextSku = 0;
  let slice = 0;
  try {
    for (const connections of LEVELS) {
      const rounds = [];
      for (let round = 0; round < ROUNDS; round++) {
        // Both sides get the same customers (slices); each its own SKUs; the side going first alternates.
        const slices = [slice++ * CUSTOMERS, slice++ * CUSTOMERS];
        const platformSkus = [skus[nextSku++], skus[nextSku++]];
        const baselineSkus = [skus[nextSku++], skus[nextSku++]];
        let p;
        let b;
        if (round % 2 === 0) {
          p = await platformRun(connections, platformSkus, slices);
          b = await baselineRun(connections, baselineSkus, slices);
        } else {
          b = await baselineRun(connections, baselineSkus, slices);
          p = await platformRun(connections, platformSkus, slices);
        }
        rounds.push({ p, b });
        log(`      platform ${cpuSummary(p.cpu, p.requests, 8, 'claim')}`);
        log(`      baseline ${cpuSummary(b.cpu, b.requests, 8, 'claim')}`);
        log(
          `${String(connections).padStart(4)} connections, round ${round + 1}/${ROUNDS}: platform ${p.ops_per_s} claims/s p50 ${p.p50_ms} p99 ${p.p99_ms} ms ${JSON.stringify(p.statuses)} gateway ${p.gateway} ms CPU/claim (${JSON.stringify(p.threads)}), actor batches of ${p.batch.toFixed(0)} in ${p.turnMs.toFixed(1)} ms turns, exact ${p.exact}` +
            ` | express+Lua ${b.ops_per_s}/s p50 ${b.p50_ms} p99 ${b.p99_ms} ms ${JSON.stringify(b.statuses)}, exact ${b.exact} | ratio ${(p.ops_per_s / Math.max(1, b.ops_per_s)).toFixed(3)}`,
        );
      }
      const m = (pick) => median(rounds.map(pick));
      const row = {
        connections,
        rounds: ROUNDS,
        claims_per_s: m((r) => r.p.ops_per_s),
        p50_ms: m((r) => r.p.p50_ms),
        p99_ms: m((r) => r.p.p99_ms),
        errors: rounds.reduce(
          (a, { p }) =>
            a +
            p.errors +
            Object.entries(p.statuses)
              .filter(([s]) => s >= '500')
              .reduce((x, [, c]) => x + c, 0),
          0,
        ),
        gateway_cpu_ms_per_claim: m((r) => r.p.gateway),
        gateway_threads_ms_per_claim: Object.fromEntries(
          Object.keys(rounds[0].p.threads).map((k) => [k, m((r) => r.p.threads[k])]),
        ),
        inventory_cpu_ms_per_claim: m((r) => r.p.inventory),
        sidecars_cpu_ms_per_claim: m((r) => r.p.sidecars),
        actor_batch_size: Math.round(m((r) => r.p.batch)),
        actor_turn_ms: Number(m((r) => r.p.turnMs).toFixed(2)),
        oversold: rounds.reduce((a, r) => a + r.p.oversold, 0),
        exact: rounds.every((r) => r.p.exact),
        baseline_claims_per_s: m((r) => r.b.ops_per_s),
        baseline_p50_ms: m((r) => r.b.p50_ms),
        baseline_p99_ms: m((r) => r.b.p99_ms),
        baseline_cpu_ms_per_claim: m((r) => r.b.own),
        baseline_oversold: rounds.reduce((a, r) => a + r.b.oversold, 0),
        baseline_exact: rounds.every((r) => r.b.exact),
        round_ratios: rounds.map((r) => Number((r.p.ops_per_s / Math.max(1, r.b.ops_per_s)).toFixed(3))),
      };
      row.ratio = Number((row.claims_per_s / Math.max(1, row.baseline_claims_per_s)).toFixed(3));
      rows.push(row);
      log(
        `${String(connections).padStart(4)} connections, median of ${ROUNDS}: platform ${row.claims_per_s}/s p50 ${row.p50_ms} p99 ${row.p99_ms} ms vs express+Lua ${row.baseline_claims_per_s}/s p50 ${row.baseline_p50_ms} p99 ${row.baseline_p99_ms} ms | ratio ${row.ratio} (rounds ${row.round_ratios.join(', ')})`,
      );
    }
  } finally {
    load.stop();
    baseline.stop();
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
      rounds: ROUNDS,
      goals: { ratio_1: rows.every((r) => r.ratio >= 1), claims_10000_per_s: best.claims_per_s >= 10_000 },
      rows,
    }),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
