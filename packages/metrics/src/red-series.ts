import { LATENCY_BUCKETS, METRIC_PREFIX, registry } from './registry';

interface Series {
  labels: { method: string; route: string; status_class: string };
  count: number;
  sum: number;
  /** Per bucket, not cumulative (made cumulative at scrape); the last slot is +Inf. */
  buckets: Float64Array;
}

type MetricValue = { labels: Record<string, string | number>; value: number; metricName?: string };

/**
 * The RED counter and latency histogram kept as plain numbers in nested maps, and handed to the
 * registry as two metrics that format like prom-client's own. prom-client's Counter + Histogram
 * cost ~2.6 µs a request here (label validation and hashing of a label object per call): ~5 % of
 * the gateway's cached read; this path is three lookups on strings express already interned
 * (method, route.path) and a few additions.
 */
export class RedSeries {
  private readonly byMethod = new Map<string, Map<string, Map<string, Series>>>();
  private readonly bounds: readonly number[];
  private readonly routes = new Set<string>();

  constructor(
    readonly countName: string,
    readonly durationName: string,
    bounds: readonly number[] = LATENCY_BUCKETS,
  ) {
    this.bounds = bounds;
    registry.registerMetric(
      this.metric(countName, 'counter', 'HTTP requests answered, by route template and status class', () =>
        this.counts(),
      ) as never,
    );
    registry.registerMetric(
      this.metric(
        durationName,
        'histogram',
        'Seconds from the request reaching express to its response closing, by route template',
        () => this.histogram(),
      ) as never,
    );
  }

  record(method: string, route: string, statusClass: string, seconds: number): void {
    let byRoute = this.byMethod.get(method);
    if (!byRoute) {
      byRoute = new Map();
      this.byMethod.set(method, byRoute);
    }
    let byClass = byRoute.get(route);
    if (!byClass) {
      // A last guard on cardinality: route labels come from code, but one mistake (a router mounted
      // under a path parameter puts its raw values in baseUrl) must not grow the series without bound.
      if (route !== OVERFLOW && !this.routes.has(route) && this.routes.size >= MAX_ROUTES) {
        this.record(method, OVERFLOW, statusClass, seconds);
        return;
      }
      this.routes.add(route);
      byClass = new Map();
      byRoute.set(route, byClass);
    }
    let s = byClass.get(statusClass);
    if (!s) {
      s = {
        labels: { method, route, status_class: statusClass },
        count: 0,
        sum: 0,
        buckets: new Float64Array(this.bounds.length + 1),
      };
      byClass.set(statusClass, s);
    }
    s.count++;
    s.sum += seconds;
    let i = 0;
    while (i < this.bounds.length && seconds > (this.bounds[i] as number)) i++;
    (s.buckets[i] as number)++;
  }

  /** Every series so far (tests, and the two metrics below). */
  *series(): Iterable<Series> {
    for (const byRoute of this.byMethod.values())
      for (const byClass of byRoute.values()) for (const s of byClass.values()) yield s;
  }

  private counts(): MetricValue[] {
    return [...this.series()].map((s) => ({ labels: s.labels, value: s.count }));
  }

  private histogram(): MetricValue[] {
    const out: MetricValue[] = [];
    for (const s of this.series()) {
      let acc = 0;
      this.bounds.forEach((le, i) => {
        acc += s.buckets[i] as number;
        out.push({ metricName: `${this.durationName}_bucket`, labels: { ...s.labels, le }, value: acc });
      });
      out.push({ metricName: `${this.durationName}_bucket`, labels: { ...s.labels, le: '+Inf' }, value: s.count });
      out.push({ metricName: `${this.durationName}_sum`, labels: s.labels, value: s.sum });
      out.push({ metricName: `${this.durationName}_count`, labels: s.labels, value: s.count });
    }
    return out;
  }

  // The shape the registry reads from its metrics (name + get()); prom-client's own classes give the same.
  private metric(name: string, type: 'counter' | 'histogram', help: string, values: () => MetricValue[]) {
    return {
      name,
      help,
      type,
      aggregator: 'sum',
      owner: this,
      get: async () => ({ name, help, type, aggregator: 'sum', values: values() }),
    };
  }
}

/** Distinct route labels kept at most; any further one is counted as OVERFLOW. */
export const MAX_ROUTES = 500;
export const OVERFLOW = 'overflow';

export const RED_COUNT = `${METRIC_PREFIX}http_server_requests_total`;
export const RED_DURATION = `${METRIC_PREFIX}http_server_request_duration_seconds`;
