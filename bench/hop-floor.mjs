// bench/hop-floor: what one service-invocation hop costs on this machine, the floor under every
// request that crosses services. The same trivial route (the catalog's GET /healthz) is called
//   (a) through two sidecars: caller → gateway's daprd (HTTP) → catalog's daprd (gRPC) → catalog (HTTP),
//       exactly the path a service's call to another takes, and
//   (b) straight on the catalog's port: the same request with no sidecar,
// by a load generator in its own process (autocannon, same connections, warm-up and duration), with the
// CPU ms per request of every process from /proc. bench/checkout's hops per order times (a)'s cost
// is what a checkout pays for its hops alone, before any of its own work.
//   npm run bench:hop-floor   HOP_CONNECTIONS=32 HOP_SECONDS=10 HOP_WARMUP_SECONDS=3
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { cpuDelta, cpuSnapshot, cpuSummary } from './lib/cpu.mjs';

const require = createRequire(import.meta.url);
const SELF = fileURLToPath(import.meta.url);
const CONNECTIONS = Number(process.env.HOP_CONNECTIONS ?? 32);
const SECONDS = Number(process.env.HOP_SECONDS ?? 10);
const WARMUP_S = Number(process.env.HOP_WARMUP_SECONDS ?? 3);
const LABELS = { '--load-worker': 'load generator' };
const log = (m) => console.error(`[bench] ${m}`);

/** The load generator (child process): one autocannon run per message, its figures sent back. */
function loadWorker() {
  const autocannon = require('autocannon');
  process.on('message', async ({ url, connections, duration }) => {
    const r = await autocannon({ url, connections, duration, pipelining: 1 });
    process.send({
      requests: r.requests.total,
      ops_per_s: Math.round(r.requests.total / duration),
      p50_ms: r.latency.p50,
      p99_ms: r.latency.p99,
      errors: r.errors + r.timeouts + r.non2xx,
    });
  });
  process.send({ ready: true });
}

async function main() {
  const { startStack } = require('@dbcarts/testing');
  const stack = await startStack({ apps: ['catalog', 'gateway'] });
  const worker = fork(SELF, ['--load-worker'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = () => new Promise((resolve) => worker.once('message', resolve));
  await next();
  const drive = async (url, duration) => {
    worker.send({ url, connections: CONNECTIONS, duration });
    return next();
  };
  try {
    const caller = stack.stack.endpoints('gateway').daprHttpPort;
    const paths = [
      ['two sidecars', `http://127.0.0.1:${caller}/v1.0/invoke/catalog/method/healthz`],
      ['no sidecar', `${stack.appUrl('catalog')}/healthz`],
    ];
    const rows = [];
    for (const [path, url] of paths) {
      await drive(url, WARMUP_S);
      const before = cpuSnapshot(LABELS);
      const r = await drive(url, SECONDS);
      const delta = cpuDelta(before, cpuSnapshot(LABELS));
      const perRequest = Object.fromEntries(
        Object.entries(delta.ms)
          .sort((a, b) => b[1] - a[1])
          .map(([k, v]) => [k, Number((v / Math.max(1, r.requests)).toFixed(3))]),
      );
      const total = Object.values(perRequest).reduce((a, b) => a + b, 0);
      rows.push({ path, ...r, cpu_ms_per_request: perRequest, cpu_ms_total: Number(total.toFixed(3)) });
      log(`${path.padEnd(13)} ${r.ops_per_s} req/s p50 ${r.p50_ms} ms p99 ${r.p99_ms} ms, errors ${r.errors}`);
      log(`              ${cpuSummary(delta, r.requests, 8, 'request')}`);
    }
    const [hop, bare] = rows;
    const sidecarMs = Number((hop.cpu_ms_total - bare.cpu_ms_total).toFixed(3));
    log(`one hop through two sidecars adds ${sidecarMs} ms of CPU over the same request without them`);
    console.log(
      JSON.stringify({
        scenario: 'sidecar-hop',
        ops_per_s: hop.ops_per_s,
        p50_ms: hop.p50_ms,
        p99_ms: hop.p99_ms,
        baseline: 'the same GET /healthz on the app port, no sidecar',
        baseline_ops_per_s: bare.ops_per_s,
        ratio: Number((hop.ops_per_s / Math.max(1, bare.ops_per_s)).toFixed(3)),
        errors: hop.errors + bare.errors,
        connections: CONNECTIONS,
        seconds: SECONDS,
        cpu_ms_per_hop: hop.cpu_ms_total,
        cpu_ms_per_bare_request: bare.cpu_ms_total,
        cpu_ms_added_by_sidecars: sidecarMs,
        rows,
      }),
    );
  } finally {
    worker.kill();
    await stack.stop();
  }
}

if (process.argv.includes('--load-worker')) loadWorker();
else
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
