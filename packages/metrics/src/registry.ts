import {
  type Counter,
  Counter as CounterImpl,
  collectDefaultMetrics,
  type Gauge,
  Gauge as GaugeImpl,
  type Histogram,
  Histogram as HistogramImpl,
  Registry,
} from 'prom-client';

/** Every metric of this process, and only this process's: what GET /metrics on METRICS_PORT answers. */
export const registry = new Registry();

export const METRIC_PREFIX = 'dbcarts_';

/**
 * Names the service on every series (Prometheus adds job/instance; the service survives relabelling
 * and reads the same locally and in a cluster). Called by createHttpApp with the app's name.
 */
export function setServiceLabel(service: string): void {
  registry.setDefaultLabels({ service });
}

let defaultsOn = false;
/**
 * Node's process metrics (CPU, RSS, heap, event-loop delay, GC), unprefixed so stock dashboards
 * read them. Started with the metrics listener only: the event-loop monitor and GC observer cost a
 * little, for nobody, in tests that build apps in-process.
 */
export function collectProcessMetrics(): void {
  if (defaultsOn) return;
  defaultsOn = true;
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
}

interface Spec<L extends string> {
  /** Without the dbcarts_ prefix, which is added. */
  name: string;
  help: string;
  labelNames?: readonly L[];
}

// Declared at module load by the layers that own them; a second declaration (a module loaded twice
// by a test runner, two relays in one process) gets the first one back instead of a registry error.
function declare<M>(name: string, make: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? make();
}

export function counter<L extends string = never>(spec: Spec<L>): Counter<L> {
  const name = METRIC_PREFIX + spec.name;
  return declare(
    name,
    () => new CounterImpl<L>({ ...spec, name, labelNames: spec.labelNames ?? [], registers: [registry] }),
  );
}

/** `collect`, when given, sets the values at scrape time (a figure read from an object, not pushed). */
export function gauge<L extends string = never>(spec: Spec<L> & { collect?: (this: Gauge<L>) => void }): Gauge<L> {
  const name = METRIC_PREFIX + spec.name;
  return declare(
    name,
    () => new GaugeImpl<L>({ ...spec, name, labelNames: spec.labelNames ?? [], registers: [registry] }),
  );
}

export function histogram<L extends string = never>(spec: Spec<L> & { buckets?: number[] }): Histogram<L> {
  const name = METRIC_PREFIX + spec.name;
  return declare(
    name,
    () => new HistogramImpl<L>({ ...spec, name, labelNames: spec.labelNames ?? [], registers: [registry] }),
  );
}

/** Latency buckets in seconds: sub-millisecond cached reads up to the 8 s request deadline. */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Size buckets: batch sizes, backlogs. */
export const SIZE_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

/**
 * A one-label counter for hot paths (a decision on every API request): plain additions to a map,
 * handed to the registry when scraped, instead of prom-client's label hashing on each call.
 */
export function hotCounter<V extends string>(spec: {
  name: string;
  help: string;
  label: string;
}): {
  inc(value: V): void;
} {
  const counts = new Map<V, number>();
  const name = METRIC_PREFIX + spec.name;
  declare(
    name,
    () =>
      new CounterImpl<string>({
        name,
        help: spec.help,
        labelNames: [spec.label],
        registers: [registry],
        collect() {
          this.reset();
          for (const [value, n] of counts) this.inc({ [spec.label]: value }, n);
        },
      }),
  );
  return { inc: (value) => void counts.set(value, (counts.get(value) ?? 0) + 1) };
}
