import { METRIC_PREFIX, registry } from './registry';

/** One series' current value: what an ops view reads (histogram buckets left out, their _sum/_count kept). */
export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * This process's dbcarts_ series as plain samples, for the gateway's ops board (served to the
 * sidecar only, see packages/http): the numbers of a scrape without the text format or the buckets.
 */
export async function metricsSnapshot(): Promise<MetricSample[]> {
  const out: MetricSample[] = [];
  for (const metric of await registry.getMetricsAsJSON()) {
    if (!metric.name.startsWith(METRIC_PREFIX)) continue;
    for (const v of metric.values as {
      metricName?: string;
      labels: Record<string, string | number>;
      value: number;
    }[]) {
      const name = v.metricName ?? metric.name;
      if (name.endsWith('_bucket')) continue;
      const labels: Record<string, string> = {};
      for (const [k, l] of Object.entries(v.labels)) if (k !== 'service') labels[k] = String(l);
      out.push({ name, labels, value: v.value });
    }
  }
  return out;
}
