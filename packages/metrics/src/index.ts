export type { Counter, Gauge, Histogram } from 'prom-client';
export { redMetrics, routeTemplate, statusClass, UNMATCHED } from './red';
export {
  collectProcessMetrics,
  counter,
  gauge,
  histogram,
  LATENCY_BUCKETS,
  METRIC_PREFIX,
  registry,
  SIZE_BUCKETS,
  setServiceLabel,
} from './registry';
export { startMetricsServer } from './server';
