export type { Counter, Gauge, Histogram } from 'prom-client';
export { serveMetricsFromEnv } from './env';
export { red, redMetrics, routeTemplate, statusClass, UNMATCHED } from './red';
export { MAX_ROUTES, OVERFLOW, RED_COUNT, RED_DURATION, RedSeries } from './red-series';
export {
  collectProcessMetrics,
  counter,
  gauge,
  histogram,
  hotCounter,
  LATENCY_BUCKETS,
  METRIC_PREFIX,
  registry,
  SIZE_BUCKETS,
  setServiceLabel,
} from './registry';
export { startMetricsServer } from './server';
export { type MetricSample, metricsSnapshot } from './snapshot';
