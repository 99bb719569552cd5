import type { Server } from 'node:http';
import type { Logger } from '@dbcarts/logging';
import { serveMetricsFromEnv } from '@dbcarts/metrics';
import { stopTelemetry } from '@dbcarts/telemetry';
import type { Express } from 'express';

/** Listens and resolves once bound; rejects (instead of crashing later) when the port is taken. */
export function listen(app: Express, port: number, host = '127.0.0.1'): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(server)));
    server.keepAliveTimeout = 65_000;
  });
}

export interface ServeOptions {
  port: number;
  host?: string;
  logger: Logger;
  /** Closed in order after the server stops taking requests (DB pools, clients). */
  onShutdown?: (() => Promise<void>)[];
  /** In-flight requests get this long to finish. */
  graceMs?: number;
}

/**
 * Listens, and on SIGTERM/SIGINT stops accepting, lets in-flight requests finish, closes the
 * service's resources, flushes telemetry and exits 0 (a hard exit after graceMs), so a rolling
 * deploy or Ctrl-C never cuts a request in half.
 */
export async function serve(app: Express, opts: ServeOptions): Promise<Server> {
  const server = await listen(app, opts.port, opts.host);
  // GET /metrics on METRICS_PORT (a listener of its own: the app's port may be public); exit closes it.
  await serveMetricsFromEnv(opts.host);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    opts.logger.info({ signal }, 'shutting down');
    const grace = opts.graceMs ?? 2000;
    const hard = setTimeout(() => process.exit(1), grace + 1000);
    hard.unref();
    // Keep-alive connections (the sidecar holds some) go as soon as they fall idle; stragglers at the end of grace.
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    const force = setTimeout(() => server.closeAllConnections(), grace);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    clearInterval(sweep);
    clearTimeout(force);
    for (const hook of opts.onShutdown ?? [])
      await hook().catch((err) => opts.logger.error({ err }, 'shutdown hook failed'));
    await stopTelemetry();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  return server;
}
