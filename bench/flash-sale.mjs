// bench/flash-sale: reservations on ONE SKU at rising concurrency, through the real path
// (caller → sidecar → inventory app → batcher → the SKU's actor → state store), next to same-run
// baselines: (a) an express endpoint doing the same decrement as a Lua script on Redis, (b) an
// echo route through the same sidecar (the cost of the hop alone). Ends with one JSON line.
//   npm run bench:flash-sale   (FLASH_LEVELS=16,64,256 FLASH_REQUESTS=6000 per level to change the load)
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');
const { startStack } = require('@dbcarts/testing');
const { freePort } = require('@dbcarts/devstack');

const here = dirname(fileURLToPath(import.meta.url));
const LEVELS = (process.env.FLASH_LEVELS ?? '16,64,256').split(',').map(Number);
const REQUESTS = Number(process.env.FLASH_REQUESTS ?? 6000);
const SECONDS = Number(process.env.FLASH_SECONDS ?? 5);
const SELLOUT = { stock: 1000, attempts: 5000, connections: 256 };
const log = (m) => console.error(`[bench] ${m}`);

function load({ url, method = 'POST', connections, duration, amount, body }) {
  let n = 0;
  const opts = {
    url,
    method,
    connections,
    pipelining: 1,
    headers: { 'content-type': 'application/json' },
    ...(amount ? { amount } : { duration }),
    ...(body ? { requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify(body(n++)) }) }] } : {}),
  };
  const started = performance.now();
  return new Promise((resolve, reject) =>
    autocannon(opts, (err, r) =>
      err
        ? reject(err)
        : resolve({
            // Wall-clock rate: autocannon's own duration is whole seconds, too coarse for short runs.
            opsPerS: (r.requests.total * 1000) / (performance.now() - started),
            p50: r.latency.p50,
            p99: r.latency.p99,
            total: r.requests.total,
            created: r.statusCodeStats?.['201']?.count ?? 0,
            conflicts: r.statusCodeStats?.['409']?.count ?? 0,
            ok200: r.statusCodeStats?.['200']?.count ?? 0,
            errors:
              r.errors +
              r.timeouts +
              Object.entries(r.statusCodeStats ?? {})
                .filter(([c]) => !['200', '201', '409'].includes(c))
                .reduce((a, [, v]) => a + v.count, 0),
          }),
    ),
  );
}

const json = async (url, method = 'GET', body) =>
  (
    await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) })
  ).json();

async function runPath(name, base, sku, stock) {
  const rows = [];
  for (const c of LEVELS) {
    const s = `${sku}-C${c}`;
    await json(`${base.stock}/${s}`, 'PUT', { onHand: stock });
    // A fixed count, not a duration: every request's answer is counted, so the invariant is exact.
    const r = await load({
      url: base.reserve,
      connections: c,
      amount: REQUESTS,
      body: (i) => ({ sku: s, reservationId: `r${i}`, quantity: 1 }),
    });
    const after = await json(`${base.stock}/${s}`);
    // Invariant: every 201 is one reserved unit, no more, no fewer; never above onHand.
    const holds = after.reserved === r.created && after.reserved <= after.onHand;
    rows.push({
      path: name,
      connections: c,
      ops_per_s: Math.round(r.opsPerS),
      p50_ms: r.p50,
      p99_ms: r.p99,
      created: r.created,
      reserved: after.reserved,
      invariant_holds: holds,
      errors: r.errors,
    });
    log(
      `${name} c=${c}: ${Math.round(r.opsPerS)} reservations/s p50 ${r.p50} ms p99 ${r.p99} ms, ${r.created} held, reserved=${after.reserved} ${holds ? 'OK' : 'BROKEN'}`,
    );
  }
  return rows;
}

async function sellout(name, base, sku) {
  await json(`${base.stock}/${sku}`, 'PUT', { onHand: SELLOUT.stock });
  const r = await load({
    url: base.reserve,
    connections: SELLOUT.connections,
    amount: SELLOUT.attempts,
    body: (i) => ({ sku, reservationId: `s${i}`, quantity: 1 }),
  });
  const after = await json(`${base.stock}/${sku}`);
  log(
    `${name} sell-out: ${r.created} of ${SELLOUT.attempts} attempts won ${SELLOUT.stock} units; reserved=${after.reserved}`,
  );
  return {
    won: r.created,
    refused: r.conflicts,
    reserved: after.reserved,
    oversold: after.reserved > SELLOUT.stock || r.created > SELLOUT.stock,
    exact: r.created === SELLOUT.stock && after.reserved === SELLOUT.stock,
  };
}

async function main() {
  log('starting placement + inventory + its sidecar (real Redis state store)...');
  const stack = await startStack({ apps: ['inventory'] });
  const luaPort = await freePort();
  const lua = fork(join(here, 'lua-baseline.server.mjs'), [], {
    env: { ...process.env, PORT: String(luaPort), REDIS_DB: String(stack.redisDb) },
    stdio: 'inherit',
  });
  await new Promise((r) => lua.once('message', r));
  try {
    const dapr = `http://127.0.0.1:${stack.stack.endpoints('inventory').daprHttpPort}/v1.0/invoke/inventory/method`;
    const actorBase = { stock: `${dapr}/stock`, reserve: `${dapr}/reservations` };
    const luaBase = { stock: `http://127.0.0.1:${luaPort}/stock`, reserve: `http://127.0.0.1:${luaPort}/reservations` };
    const sku = stack.uniqueId('FLASH');

    // Warm both paths (actor activation, connection pools) before measuring.
    await json(`${actorBase.stock}/${sku}-WARM`, 'PUT', { onHand: 100000 });
    await load({
      url: actorBase.reserve,
      connections: 16,
      amount: 2000,
      body: (i) => ({ sku: `${sku}-WARM`, reservationId: `w${i}`, quantity: 1 }),
    });

    const actorRows = await runPath('actor', actorBase, sku, 10_000_000);
    const luaRows = await runPath('redis-lua', luaBase, `${sku}-L`, 10_000_000);
    const echoRows = [];
    for (const c of LEVELS) {
      const r = await load({ url: `${dapr}/healthz`, method: 'GET', connections: c, duration: SECONDS });
      echoRows.push({
        path: 'sidecar-echo',
        connections: c,
        ops_per_s: Math.round(r.opsPerS),
        p50_ms: r.p50,
        p99_ms: r.p99,
      });
      log(`sidecar echo c=${c}: ${Math.round(r.opsPerS)} req/s p50 ${r.p50} ms p99 ${r.p99} ms`);
    }
    const actorSellout = await sellout('actor', actorBase, `${sku}-SO`);
    const luaSellout = await sellout('redis-lua', luaBase, `${sku}-LSO`);

    const best = actorRows.reduce((a, b) => (b.ops_per_s > a.ops_per_s ? b : a));
    const luaAtSame = luaRows.find((r) => r.connections === best.connections) ?? luaRows[0];
    const echoAtSame = echoRows.find((r) => r.connections === best.connections) ?? echoRows[0];
    console.log(JSON.stringify({ levels: [...actorRows, ...luaRows, ...echoRows] }));
    console.log(
      JSON.stringify({
        scenario: 'flash-sale-one-sku',
        ops_per_s: best.ops_per_s,
        p50_ms: best.p50_ms,
        p99_ms: best.p99_ms,
        connections: best.connections,
        baseline: 'express+redis-lua (same conditional decrement, same connections)',
        baseline_ops_per_s: luaAtSame.ops_per_s,
        ratio: Number((best.ops_per_s / luaAtSame.ops_per_s).toFixed(3)),
        hop_echo_ops_per_s: echoAtSame.ops_per_s,
        errors: [...actorRows, ...luaRows].reduce((a, r) => a + r.errors, 0),
        invariant_holds: actorRows.every((r) => r.invariant_holds) && luaRows.every((r) => r.invariant_holds),
        sellout_exact: actorSellout.exact,
        oversold: actorSellout.oversold || luaSellout.oversold,
        sellout: {
          stock: SELLOUT.stock,
          attempts: SELLOUT.attempts,
          actor_won: actorSellout.won,
          lua_won: luaSellout.won,
        },
      }),
    );
  } finally {
    lua.kill('SIGTERM');
    await stack.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
