// `npm run trace -- <trace id | request id | --slowest [operation]>`: one trace as a tree of spans with
// their durations, read from the Jaeger that `npm start` runs, so a slow request leads to its slow step.
//   npm run trace -- 4bf92f3577b34da6a3ce929d0e0e4736      a trace id (from a log line's traceId)
//   npm run trace -- 3f2a91c0-1a                           a request id (x-request-id): its log lines name the trace
//   npm run trace -- --slowest "POST /api/orders"          the slowest gateway trace of the last hour
// JAEGER_URL overrides http://127.0.0.1:16686; LOG_DIR overrides .dev/logs.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const JAEGER = process.env.JAEGER_URL ?? 'http://127.0.0.1:16686';
const LOG_DIR = process.env.LOG_DIR ?? join(root, '.dev', 'logs');
const TRACE_ID = /^[0-9a-f]{32}$/;

async function get(path) {
  const res = await fetch(`${JAEGER}${path}`, { signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`Jaeger answered ${res.status} for ${path}`);
  return (await res.json()).data;
}

/** The trace id in the JSON log lines of a request id (every service logs both). */
function traceOfRequest(requestId) {
  for (const f of readdirSync(LOG_DIR).filter((n) => n.endsWith('.log'))) {
    for (const line of readFileSync(join(LOG_DIR, f), 'utf8').split('\n')) {
      if (!line.includes(requestId)) continue;
      try {
        const entry = JSON.parse(line);
        if (entry.requestId === requestId && entry.traceId) return entry.traceId;
      } catch {
        // a sidecar's or a non-JSON line
      }
    }
  }
  throw new Error(`no log line in ${LOG_DIR} names request ${requestId} with a trace id`);
}

/** Lines of the span tree: start offset, duration, self time (not covered by children), service, operation. */
export function renderTrace(trace) {
  const byId = new Map(trace.spans.map((s) => [s.spanID, { ...s, children: [] }]));
  const roots = [];
  for (const s of byId.values()) {
    const parent = s.references.find((r) => r.refType === 'CHILD_OF' && byId.has(r.spanID));
    if (parent) byId.get(parent.spanID).children.push(s);
    else roots.push(s);
  }
  const t0 = Math.min(...trace.spans.map((s) => s.startTime));
  const lines = [];
  let slowest;
  const walk = (s, depth) => {
    s.children.sort((a, b) => a.startTime - b.startTime);
    const covered = s.children.reduce((sum, c) => sum + c.duration, 0);
    const self = Math.max(0, s.duration - covered);
    const proc = trace.processes[s.processID];
    const isApp = proc?.tags?.some((t) => t.key === 'telemetry.sdk.language' && t.value === 'nodejs');
    const who = `${proc?.serviceName ?? '?'}${isApp ? '' : ' (daprd)'}`;
    if (!slowest || self > slowest.self) slowest = { self, who, op: s.operationName };
    lines.push(
      `${ms(s.startTime - t0).padStart(9)} ${ms(s.duration).padStart(9)} ${ms(self).padStart(9)}  ${'  '.repeat(depth)}${who}: ${s.operationName}`,
    );
    for (const c of s.children) walk(c, depth + 1);
  };
  for (const r of roots.sort((a, b) => a.startTime - b.startTime)) walk(r, 0);
  return { lines, slowest };
}

const ms = (us) => `${(us / 1000).toFixed(1)}ms`;

async function main() {
  const arg = process.argv[2];
  if (!arg) throw new Error('usage: npm run trace -- <trace id | request id | --slowest [operation]>');
  let traceId = arg;
  if (arg === '--slowest') {
    const op = process.argv[3] ?? 'POST /api/orders';
    const traces = await get(
      `/api/traces?service=gateway&operation=${encodeURIComponent(op)}&lookback=1h&limit=200`,
    );
    if (!traces.length) throw new Error(`no gateway trace of "${op}" in the last hour`);
    const dur = (t) => Math.max(...t.spans.map((s) => s.duration));
    traceId = traces.sort((a, b) => dur(b) - dur(a))[0].traceID;
  } else if (!TRACE_ID.test(arg)) {
    traceId = traceOfRequest(arg);
  }
  const [trace] = await get(`/api/traces/${traceId}`);
  const { lines, slowest } = renderTrace(trace);
  console.log(`trace ${traceId}: ${trace.spans.length} spans`);
  console.log(`${'start'.padStart(9)} ${'duration'.padStart(9)} ${'self'.padStart(9)}  span`);
  for (const l of lines) console.log(l);
  console.log(`most time of its own: ${slowest.who}: ${slowest.op} (${ms(slowest.self)})`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`[trace] ${e.message}`);
    process.exit(1);
  });
}
