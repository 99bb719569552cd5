import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api } from '../api';
import { Alert, Title } from '../ui';
import { type ChartPoint, DropChart } from './ops-chart';

// The ops board (issue 14): a drop's live figures from the gateway's server-sent events. EventSource
// cannot send the access token, so each connection first gets a 30-second single-use ticket with it
// (POST /api/admin/ops/stream-tickets) and opens /api/admin/ops/stream?ticket=…; after an error or
// the gateway's `bye`, a new ticket and a new stream a few seconds later.

interface Drop {
  sku: string;
  quantity: number;
  remaining: number;
  endsAt: string;
  claimsPerSecond: number;
}
export interface OpsSnapshot {
  at: string;
  windowSeconds: number;
  drops: Drop[] | null;
  claims: {
    total: number;
    perSecond: number;
    refusals: { reason: string; code: string; total: number; perSecond: number }[];
  };
  checkoutQueue: { waiting: number; running: number; ratePerSecond: number; estimatedWaitSeconds: number } | null;
  breakers: { provider: string; state: string }[];
  outbox: { service: string; table: string; backlog: number; oldestAgeSeconds: number | null }[];
  consumers: {
    service: string;
    topic: string;
    perSecond: number;
    meanLagSeconds: number | null;
    retries: number;
    dropped: number;
  }[];
  errors: {
    overall: { requestsPerSecond: number; errorRate: number | null };
    services: { service: string; requestsPerSecond: number; errorRate: number | null }[];
  };
  slowCheckouts: { at: string; durationMs: number; status: number; traceId?: string; traceUrl?: string }[];
  sources: { service: string; ok: boolean; error?: string }[];
}
interface HistoryPoint {
  at: string;
  drops: { sku: string; remaining: number; claimsPerSecond: number }[];
}

const WINDOW_MS = 5 * 60_000;
/** The chart spans what it has, from one minute up to five (a new drop is not a sliver at the right edge). */
const chartWindow = (points: ChartPoint[]) => {
  const span = points.length > 1 ? (points[points.length - 1] as ChartPoint).t - (points[0] as ChartPoint).t : 0;
  return Math.min(WINDOW_MS, Math.max(60_000, Math.ceil(span / 60_000) * 60_000));
};
const KEEP = 600;

const pct = (v: number | null) => (v === null ? 'no requests' : `${(v * 100).toFixed(1)} %`);
const num = (v: number) => (Math.round(v * 10) / 10).toLocaleString();

function useOpsStream() {
  const [snapshot, setSnapshot] = useState<OpsSnapshot>();
  const [history, setHistory] = useState<HistoryPoint[]>([]);
  const [state, setState] = useState<'connecting' | 'live' | 'reconnecting'>('connecting');
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    let source: EventSource | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const again = () => {
      source?.close();
      if (stopped) return;
      setState('reconnecting');
      retry = setTimeout(connect, 3_000);
    };
    const connect = async () => {
      try {
        const { body } = await api<{ ticket: string }>('POST', '/api/admin/ops/stream-tickets');
        if (stopped) return;
        source = new EventSource(`/api/admin/ops/stream?ticket=${encodeURIComponent(body.ticket)}`);
        source.addEventListener('open', () => {
          setState('live');
          setError(undefined);
        });
        source.addEventListener('history', (e) => setHistory(JSON.parse((e as MessageEvent).data) as HistoryPoint[]));
        source.addEventListener('snapshot', (e) => {
          const s = JSON.parse((e as MessageEvent).data) as OpsSnapshot;
          setSnapshot(s);
          if (s.drops) {
            const point = {
              at: s.at,
              drops: s.drops.map(({ sku, remaining, claimsPerSecond }) => ({ sku, remaining, claimsPerSecond })),
            };
            setHistory((h) => (h.length && h[h.length - 1]?.at === s.at ? h : [...h.slice(-(KEEP - 1)), point]));
          }
        });
        source.addEventListener('bye', again);
        // EventSource retries by itself with the same URL, whose ticket is spent: a new ticket instead.
        source.addEventListener('error', again);
      } catch (e) {
        setError(e);
        if (e instanceof ApiError && (e.status === 401 || e.status === 403)) return; // not an admin: no retry
        again();
      }
    };
    void connect();
    return () => {
      stopped = true;
      clearTimeout(retry);
      source?.close();
    };
  }, []);
  return { snapshot, history, state, error };
}

/** Said aloud at most every 15 s (a screen reader would otherwise read the board every second). */
function useCalmSummary(text: string | undefined): string | undefined {
  const [said, setSaid] = useState<string>();
  const last = useRef(0);
  useEffect(() => {
    if (!text || Date.now() - last.current < 15_000) return;
    last.current = Date.now();
    setSaid(text);
  }, [text]);
  return said;
}

export function OpsPage() {
  const { snapshot: s, history, state, error } = useOpsStream();
  const [chosen, setChosen] = useState<string>();
  const drops = s?.drops ?? [];
  const sku = chosen && drops.some((d) => d.sku === chosen) ? chosen : drops[0]?.sku;
  const drop = drops.find((d) => d.sku === sku);
  const points: ChartPoint[] = [];
  for (const h of history) {
    const d = h.drops.find((x) => x.sku === sku);
    if (d) points.push({ t: Date.parse(h.at), remaining: d.remaining, claimsPerSecond: d.claimsPerSecond });
  }
  const refused = s?.claims.refusals.reduce((n, r) => n + r.total, 0) ?? 0;
  const summary = useCalmSummary(
    s
      ? `${drops.map((d) => `${d.sku} ${d.remaining} of ${d.quantity} left`).join('; ') || 'No drop running'}. ` +
          `${s.claims.total} claims, ${refused} refused. Error rate ${pct(s.errors.overall.errorRate)}.`
      : undefined,
  );
  const forbidden = error instanceof ApiError && error.status === 403;

  return (
    <>
      <Title text="Ops board" />
      {forbidden ? (
        <p class="alert" role="alert">
          The ops board needs an admin account. Sign out and sign in as an admin.
        </p>
      ) : (
        <Alert error={error} />
      )}
      <p class="muted" data-testid="ops-state">
        {state === 'live' ? 'Live: updated every second' : state === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
        {s && ` · last update ${new Date(s.at).toLocaleTimeString()}`}
      </p>
      <p class="sr-only" role="status" aria-live="polite">
        {summary}
      </p>

      <section aria-labelledby="ops-drops">
        <h2 id="ops-drops">Drops</h2>
        {s && s.drops === null && <p class="warn">Inventory is not answering: remaining units unknown.</p>}
        {drops.length > 1 && (
          <label>
            Drop shown in the chart{' '}
            <select value={sku} onChange={(e) => setChosen((e.currentTarget as HTMLSelectElement).value)}>
              {drops.map((d) => (
                <option key={d.sku} value={d.sku}>
                  {d.sku}
                </option>
              ))}
            </select>
          </label>
        )}
        {drop && <DropChart sku={drop.sku} quantity={drop.quantity} points={points} windowMs={chartWindow(points)} />}
        {drops.length ? (
          <table class="lines" data-testid="ops-drops">
            <caption class="sr-only">Running drops</caption>
            <thead>
              <tr>
                <th scope="col">SKU</th>
                <th scope="col">Remaining</th>
                <th scope="col">Of</th>
                <th scope="col">Claims a second</th>
                <th scope="col">Ends</th>
              </tr>
            </thead>
            <tbody>
              {drops.map((d) => (
                <tr key={d.sku} data-sku={d.sku}>
                  <th scope="row">{d.sku}</th>
                  <td data-testid="remaining">{d.remaining}</td>
                  <td>{d.quantity}</td>
                  <td>{num(d.claimsPerSecond)}</td>
                  <td>{new Date(d.endsAt).toLocaleTimeString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          s && <p class="muted">No drop is running.</p>
        )}
      </section>

      {s && (
        <div class="ops-grid">
          <section aria-labelledby="ops-claims">
            <h2 id="ops-claims">Claims and refusals</h2>
            <p>
              <span data-testid="claims-total">{s.claims.total}</span> claimed ({num(s.claims.perSecond)} a second),{' '}
              <span data-testid="refusals-total">{refused}</span> refused
            </p>
            {s.claims.refusals.length > 0 && (
              <table class="lines" data-testid="ops-refusals">
                <caption class="sr-only">Refusals by reason</caption>
                <thead>
                  <tr>
                    <th scope="col">Reason</th>
                    <th scope="col">Total</th>
                    <th scope="col">A second</th>
                  </tr>
                </thead>
                <tbody>
                  {s.claims.refusals.map((r) => (
                    <tr key={r.reason} data-code={r.code}>
                      <th scope="row">{r.reason}</th>
                      <td>{r.total}</td>
                      <td>{num(r.perSecond)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>

          <section aria-labelledby="ops-queue">
            <h2 id="ops-queue">Checkout queue</h2>
            {s.checkoutQueue ? (
              <dl class="attrs">
                <div>
                  <dt>Waiting</dt>
                  <dd data-testid="queue-waiting">{s.checkoutQueue.waiting}</dd>
                </div>
                <div>
                  <dt>In flight</dt>
                  <dd>{s.checkoutQueue.running}</dd>
                </div>
                <div>
                  <dt>Completions a second</dt>
                  <dd>{num(s.checkoutQueue.ratePerSecond)}</dd>
                </div>
                <div>
                  <dt>Estimated wait</dt>
                  <dd>{s.checkoutQueue.estimatedWaitSeconds} s</dd>
                </div>
              </dl>
            ) : (
              <p class="muted">No queue on this gateway.</p>
            )}
          </section>

          <section aria-labelledby="ops-errors">
            <h2 id="ops-errors">Error rate (5xx share)</h2>
            <p>
              Overall <strong data-testid="error-rate">{pct(s.errors.overall.errorRate)}</strong> of{' '}
              {num(s.errors.overall.requestsPerSecond)} requests a second (last {num(s.windowSeconds)} s)
            </p>
            <table class="lines">
              <caption class="sr-only">Requests and 5xx share per service</caption>
              <thead>
                <tr>
                  <th scope="col">Service</th>
                  <th scope="col">Requests a second</th>
                  <th scope="col">5xx share</th>
                </tr>
              </thead>
              <tbody>
                {s.errors.services.map((e) => (
                  <tr key={e.service}>
                    <th scope="row">{e.service}</th>
                    <td>{num(e.requestsPerSecond)}</td>
                    <td class={e.errorRate ? 'warn' : undefined}>{pct(e.errorRate)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>

          <section aria-labelledby="ops-breakers">
            <h2 id="ops-breakers">Payment breakers</h2>
            {s.breakers.length ? (
              <ul>
                {s.breakers.map((b) => (
                  <li key={b.provider}>
                    {b.provider}: <span class={b.state === 'closed' ? 'ok' : 'warn'}>{b.state}</span>
                  </li>
                ))}
              </ul>
            ) : (
              <p class="muted">No provider called yet.</p>
            )}
          </section>

          <section aria-labelledby="ops-events">
            <h2 id="ops-events">Outbox and consumers</h2>
            <ul>
              {s.outbox.map((o) => (
                <li key={`${o.service}-${o.table}`}>
                  {o.service} {o.table}: {o.backlog} waiting
                  {o.oldestAgeSeconds !== null && `, oldest ${num(o.oldestAgeSeconds)} s`}
                </li>
              ))}
              {s.consumers.map((c) => (
                <li key={`${c.service}-${c.topic}`}>
                  {c.service} ← {c.topic}: {num(c.perSecond)} a second
                  {c.meanLagSeconds !== null && `, lag ${num(c.meanLagSeconds)} s`}
                  {c.retries > 0 && `, ${c.retries} retried`}
                  {c.dropped > 0 && `, ${c.dropped} dead-lettered`}
                </li>
              ))}
            </ul>
            {!s.outbox.length && !s.consumers.length && <p class="muted">No events yet.</p>}
          </section>

          <section aria-labelledby="ops-slow">
            <h2 id="ops-slow">Slowest checkouts (last 5 minutes)</h2>
            {s.slowCheckouts.length ? (
              <table class="lines" data-testid="ops-slow">
                <caption class="sr-only">Slowest recent checkouts with their traces</caption>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Took</th>
                    <th scope="col">Status</th>
                    <th scope="col">Trace</th>
                  </tr>
                </thead>
                <tbody>
                  {s.slowCheckouts.map((c) => (
                    <tr key={`${c.at}-${c.durationMs}`}>
                      <td>{new Date(c.at).toLocaleTimeString()}</td>
                      <td>{c.durationMs} ms</td>
                      <td>{c.status}</td>
                      <td>
                        {c.traceUrl ? (
                          <a href={c.traceUrl} target="_blank" rel="noreferrer">
                            Trace {c.traceId?.slice(0, 8)}
                            <span class="sr-only"> (opens Jaeger)</span>
                          </a>
                        ) : (
                          (c.traceId ?? <span class="muted">not traced</span>)
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p class="muted">No checkout yet.</p>
            )}
          </section>

          <section aria-labelledby="ops-sources">
            <h2 id="ops-sources">Sources</h2>
            <p>
              {s.sources.map((src, i) => (
                <span key={src.service}>
                  {i > 0 && ', '}
                  {src.service} <span class={src.ok ? 'ok' : 'warn'}>{src.ok ? 'ok' : (src.error ?? 'failed')}</span>
                </span>
              ))}
            </p>
          </section>
        </div>
      )}
    </>
  );
}
