import { env, loadConfig, z } from '@dbcarts/config';
import { startMetricsServer } from './server';

const MetricsEnv = z.object({
  /** Where GET /metrics is served (a listener of its own); unset: nowhere (tests, one-off scripts). */
  METRICS_PORT: env.port().optional(),
});

/**
 * Starts the metrics listener on METRICS_PORT, on the app's host (127.0.0.1 beside a local sidecar,
 * 0.0.0.0 in a pod), when it is set. A malformed value fails the start like any bad config.
 */
export async function serveMetricsFromEnv(host?: string, source: NodeJS.ProcessEnv = process.env) {
  const { METRICS_PORT } = loadConfig(MetricsEnv, source);
  return METRICS_PORT === undefined ? undefined : startMetricsServer(METRICS_PORT, host);
}
