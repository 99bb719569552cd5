// The ops board's figures (issue 14): one snapshot a tick, computed from the services' metric samples
// (counters become rates over a short window), the drops' stored remaining units, the checkout queue
// and the slowest recent checkouts. Pure: the board (ops-board.ts) gathers the inputs.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** One service's samples at this tick, or why they could not be read. */
export type SourceReading = { service: string; samples: Sample[] } | { service: string; error: string };

export interface DropReading {
  sku: string;
  quantity: number;
  remaining: number;
  endsAt: string;
}

export interface QueueReading {
  waiting: number;
  running: number;
  ratePerSecond: number;
}

export interface SlowCheckout {
  at: string;
  durationMs: number;
  status: number;
  traceId?: string;
  traceUrl?: string;
}

export interface TickInputs {
  /** epoch ms */
  now: number;
  sources: SourceReading[];
  /** Running drops as inventory stores them; undefined when inventory could not be read. */
  drops?: DropReading[];
  /** Successful claims per SKU counted by this gateway since start (cumulative). */
  claimsBySku: ReadonlyMap<string, number>;
  queue?: QueueReading;
  slowCheckouts: SlowCheckout[];
}

export interface Refusal {
  reason: string;
  code: string;
  total: number;
  perSecond: number;
}

export interface OpsSnapshot {
  at: string;
  windowSeconds: number;
  drops: (DropReading & { claimsPerSecond: number })[] | null;
  claims: { total: number; perSecond: number; refusals: Refusal[] };
  checkoutQueue: (QueueReading & { estimatedWaitSeconds: number }) | null;
  breakers: { provider: string; state: 'closed' | 'half-open' | 'open' }[];
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
  slowCheckouts: SlowCheckout[];
  sources: { service: string; ok: boolean; error?: string }[];
}

/** Claim outcomes that are refusals, with the words the board shows; anything else unknown is `other`. */
export const REFUSAL_REASONS: Record<string, string> = {
  'FLASH_SALE.SOLD_OUT': 'sold out',
  'FLASH_SALE.LIMIT_EXCEEDED': 'limit exceeded',
  'FLASH_SALE.NOT_ACTIVE': 'not active',
  paused: 'paused (kill switch)',
  throttled: 'rate limited',
};
const NOT_REFUSALS = new Set(['claimed', 'replayed']);

const CLAIMS = 'dbcarts_gateway_flash_claims_total';
const RED = 'dbcarts_http_server_requests_total';
const BREAKER = 'dbcarts_payment_provider_breaker_state';
const BACKLOG = 'dbcarts_outbox_backlog';
const OLDEST = 'dbcarts_outbox_oldest_age_seconds';
const DELIVERIES = 'dbcarts_pubsub_deliveries_total';
const LAG_SUM = 'dbcarts_pubsub_delivery_lag_seconds_sum';
const LAG_COUNT = 'dbcarts_pubsub_delivery_lag_seconds_count';
const BREAKER_STATES = ['closed', 'half-open', 'open'] as const;

/**
 * Keeps the last few seconds of cumulative values so every counter reads as a rate over `windowMs`
 * (a one-second delta is too jumpy to read). A counter that went down (a restarted process) counts
 * from zero.
 */
export class OpsAggregator {
  private readonly history: { at: number; values: Map<string, number> }[] = [];

  constructor(private readonly windowMs = 5_000) {}

  tick(inputs: TickInputs): OpsSnapshot {
    const values = new Map<string, number>();
    const put = (key: string, v: number) => values.set(key, (values.get(key) ?? 0) + v);
    const ok = inputs.sources.filter((s): s is { service: string; samples: Sample[] } => 'samples' in s);

    // Claims by outcome (the gateway's counter) and successful claims by SKU (the board's own count).
    const outcomes = new Map<string, number>();
    for (const src of ok)
      for (const s of src.samples)
        if (s.name === CLAIMS)
          outcomes.set(s.labels.outcome ?? 'OTHER', (outcomes.get(s.labels.outcome ?? 'OTHER') ?? 0) + s.value);
    for (const [outcome, v] of outcomes) put(`claims|${outcome}`, v);
    for (const [sku, v] of inputs.claimsBySku) put(`sku|${sku}`, v);

    // RED: requests and 5xx per service.
    const services = new Set<string>();
    for (const src of ok)
      for (const s of src.samples) {
        if (s.name !== RED) continue;
        services.add(src.service);
        put(`req|${src.service}`, s.value);
        if (s.labels.status_class === '5xx') put(`5xx|${src.service}`, s.value);
      }

    // Consumers: deliveries by status, lag sum/count per topic.
    const topics = new Map<string, { service: string; topic: string; retries: number; dropped: number }>();
    for (const src of ok)
      for (const s of src.samples) {
        const topic = s.labels.topic;
        if (!topic) continue;
        const id = `${src.service}|${topic}`;
        if (s.name === DELIVERIES) {
          const t = topics.get(id) ?? { service: src.service, topic, retries: 0, dropped: 0 };
          topics.set(id, t);
          put(`deliv|${id}`, s.value);
          if (s.labels.status === 'RETRY') t.retries += s.value;
          if (s.labels.status === 'DROP') t.dropped += s.value;
        } else if (s.name === LAG_SUM) put(`lagsum|${id}`, s.value);
        else if (s.name === LAG_COUNT) put(`lagn|${id}`, s.value);
      }

    const base = this.baseline(inputs.now);
    this.history.push({ at: inputs.now, values });
    const seconds = base ? (inputs.now - base.at) / 1000 : 0;
    const delta = (key: string) => {
      if (!base) return 0;
      const now = values.get(key) ?? 0;
      const then = base.values.get(key) ?? 0;
      return now >= then ? now - then : now; // reset: counted from zero
    };
    const rate = (key: string) => (seconds > 0 ? round(delta(key) / seconds) : 0);

    const refusals = new Map<string, Refusal>();
    let claimTotal = 0;
    let claimRate = 0;
    for (const [outcome, total] of outcomes) {
      if (NOT_REFUSALS.has(outcome)) {
        if (outcome === 'claimed') {
          claimTotal += total;
          claimRate += rate(`claims|${outcome}`);
        }
        continue;
      }
      const reason = REFUSAL_REASONS[outcome] ?? 'other';
      const code = REFUSAL_REASONS[outcome] ? outcome : 'other';
      const r = refusals.get(reason) ?? { reason, code, total: 0, perSecond: 0 };
      r.total += total;
      r.perSecond = round(r.perSecond + rate(`claims|${outcome}`));
      refusals.set(reason, r);
    }

    const perService = [...services].sort().map((service) => {
      const n = delta(`req|${service}`);
      return {
        service,
        requestsPerSecond: rate(`req|${service}`),
        errorRate: n > 0 ? round(delta(`5xx|${service}`) / n) : null,
      };
    });
    const allReq = [...services].reduce((a, s) => a + delta(`req|${s}`), 0);
    const all5xx = [...services].reduce((a, s) => a + delta(`5xx|${s}`), 0);

    const breakers: OpsSnapshot['breakers'] = [];
    const outbox = new Map<string, OpsSnapshot['outbox'][number]>();
    for (const src of ok)
      for (const s of src.samples) {
        if (s.name === BREAKER && s.labels.provider)
          breakers.push({ provider: s.labels.provider, state: BREAKER_STATES[s.value] ?? 'open' });
        if ((s.name === BACKLOG || s.name === OLDEST) && s.labels.table) {
          const id = `${src.service}|${s.labels.table}`;
          const o = outbox.get(id) ?? {
            service: src.service,
            table: s.labels.table,
            backlog: 0,
            oldestAgeSeconds: null,
          };
          if (s.name === BACKLOG) o.backlog = s.value;
          else o.oldestAgeSeconds = s.value;
          outbox.set(id, o);
        }
      }

    const queue = inputs.queue;
    return {
      at: new Date(inputs.now).toISOString(),
      windowSeconds: round(seconds),
      drops: inputs.drops
        ? inputs.drops
            .map((d) => ({ ...d, claimsPerSecond: rate(`sku|${d.sku}`) }))
            .sort((a, b) => a.sku.localeCompare(b.sku))
        : null,
      claims: {
        total: claimTotal,
        perSecond: claimRate,
        refusals: [...refusals.values()].sort((a, b) => a.reason.localeCompare(b.reason)),
      },
      checkoutQueue: queue
        ? {
            ...queue,
            ratePerSecond: round(queue.ratePerSecond),
            // As the queue itself estimates a new arrival's wait: completions a second, else its slots.
            estimatedWaitSeconds:
              queue.waiting === 0 ? 0 : Math.ceil(queue.waiting / Math.max(queue.ratePerSecond, 0.1)),
          }
        : null,
      breakers: breakers.sort((a, b) => a.provider.localeCompare(b.provider)),
      outbox: [...outbox.values()],
      consumers: [...topics.entries()]
        .map(([id, t]) => {
          const n = delta(`lagn|${id}`);
          return {
            ...t,
            perSecond: rate(`deliv|${id}`),
            meanLagSeconds: n > 0 ? round(delta(`lagsum|${id}`) / n) : null,
          };
        })
        .sort((a, b) => `${a.service}|${a.topic}`.localeCompare(`${b.service}|${b.topic}`)),
      errors: {
        overall: {
          requestsPerSecond: seconds > 0 ? round(allReq / seconds) : 0,
          errorRate: allReq > 0 ? round(all5xx / allReq) : null,
        },
        services: perService,
      },
      slowCheckouts: inputs.slowCheckouts,
      sources: inputs.sources.map((s) =>
        'samples' in s ? { service: s.service, ok: true } : { service: s.service, ok: false, error: s.error },
      ),
    };
  }

  /** The oldest reading still inside the window (older ones are dropped). */
  private baseline(now: number) {
    while (this.history.length > 1 && now - (this.history[1] as { at: number }).at >= this.windowMs)
      this.history.shift();
    return this.history[0];
  }
}

const round = (n: number) => Math.round(n * 1000) / 1000;
