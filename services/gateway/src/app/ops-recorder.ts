import type { SlowCheckout } from './ops-snapshot';

/**
 * What only the gateway sees, kept for the ops board: successful drop claims per SKU (the Prometheus
 * counter has no SKU label, by design) and the slowest recent checkouts with their trace ids.
 * Bounded: at most `maxSkus` SKUs counted (a drop is a handful), `keep` checkouts, none older than `windowMs`.
 */
export class OpsRecorder {
  private readonly claims = new Map<string, number>();
  private slow: (SlowCheckout & { t: number })[] = [];

  constructor(
    private readonly opts: {
      maxSkus?: number;
      keep?: number;
      windowMs?: number;
      traceUrl?: (traceId: string) => string;
    } = {},
  ) {}

  claimed(sku: string): void {
    const n = this.claims.get(sku);
    if (n === undefined && this.claims.size >= (this.opts.maxSkus ?? 200)) return;
    this.claims.set(sku, (n ?? 0) + 1);
  }

  get claimsBySku(): ReadonlyMap<string, number> {
    return this.claims;
  }

  checkout(durationMs: number, status: number, traceId: string | undefined, now = Date.now()): void {
    const keep = this.opts.keep ?? 10;
    this.prune(now);
    const min = this.slow.length >= keep ? (this.slow[this.slow.length - 1] as SlowCheckout).durationMs : -1;
    if (durationMs <= min) return;
    const entry: SlowCheckout & { t: number } = {
      t: now,
      at: new Date(now).toISOString(),
      durationMs: Math.round(durationMs),
      status,
      ...(traceId ? { traceId, ...(this.opts.traceUrl ? { traceUrl: this.opts.traceUrl(traceId) } : {}) } : {}),
    };
    this.slow.push(entry);
    this.slow.sort((a, b) => b.durationMs - a.durationMs);
    this.slow.length = Math.min(this.slow.length, keep);
  }

  slowest(now = Date.now()): SlowCheckout[] {
    this.prune(now);
    return this.slow.map(({ t: _t, ...c }) => c);
  }

  private prune(now: number): void {
    const windowMs = this.opts.windowMs ?? 5 * 60_000;
    this.slow = this.slow.filter((c) => now - c.t <= windowMs);
  }
}

/** Jaeger's UI page of one trace (`JAEGER_UI_URL`, e.g. http://127.0.0.1:16686): `<base>/trace/<id>`. */
export const jaegerTraceUrl = (base: string) => (traceId: string) => `${base.replace(/\/+$/, '')}/trace/${traceId}`;
