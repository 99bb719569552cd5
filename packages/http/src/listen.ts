import type { Server } from 'node:http';
import type { Logger } from '@dbcarts/logging';
import { serveMetricsFromEnv } from '@dbcarts/metrics';
import { stopTelemetry } from '@dbcarts/telemetry';
import type { Express } from 'express';
import { z } from 'zod';

/** Listens and resolves once bound; rejects (instead of crashing later) when the port is taken. */
export function listen(app: Express, port: number, host = '127.0.0.1'): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(server)));
    server.keepAliveTimeout = 65_000;
  });
}

/**
 * The shutdown budget, from the environment (every service the same). Kubernetes sends SIGTERM and
 * kills the pod terminationGracePeriodSeconds (30 s in deploy/k8s) later: delay + grace + flush
 * stays under it there (5 + 15 + 5 s, set in the manifests). Locally the delay is short: no load
 * balancer has to notice anything, and Ctrl-C should not wait.
 */
const ShutdownEnv = z.object({
  /** /readyz answers 503 this long before the listener closes, so endpoints drop the pod first. */
  SHUTDOWN_DELAY_MS: z.coerce.number().int().min(0).default(250),
  /** In-flight requests get this long to finish once the listener is closed. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(5_000),
  /** The shutdown hooks (outbox flush, pools) and the telemetry flush get this long together. */
  SHUTDOWN_FLUSH_MS: z.coerce.number().int().min(0).default(5_000),
});
export type ShutdownSettings = z.infer<typeof ShutdownEnv>;

export function shutdownSettings(env: NodeJS.ProcessEnv = process.env): ShutdownSettings {
  const parsed = ShutdownEnv.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid shutdown settings: ${parsed.error.message}`);
  return parsed.data;
}

export interface ServeOptions {
  port: number;
  host?: string;
  logger: Logger;
  /** Closed in order after the server stops taking requests (outbox flush, DB pools, clients). */
  onShutdown?: (() => Promise<unknown>)[];
  /** Overrides of the environment's settings (tests). */
  shutdown?: Partial<ShutdownSettings>;
}

/**
 * Listens, and on SIGTERM/SIGINT shuts down in the order that loses nothing:
 * 1. `app.locals.shuttingDown`: /readyz answers 503 `shutting_down`, pub/sub deliveries are answered
 *    RETRY (the broker keeps them for the next instance), every response says `Connection: close`
 *    so the sidecar stops reusing its connections before they go;
 * 2. after SHUTDOWN_DELAY_MS the listener closes; in-flight requests finish (SHUTDOWN_GRACE_MS);
 * 3. the hooks run (the outbox relay flushes, pools close), then telemetry flushes, and it exits 0.
 * A hard exit(1) follows if all of that overruns its budget, before Kubernetes' SIGKILL would.
 */
export async function serve(app: Express, opts: ServeOptions): Promise<Server> {
  const settings = { ...shutdownSettings(), ...opts.shutdown };
  const server = await listen(app, opts.port, opts.host);
  // GET /metrics on METRICS_PORT (a listener of its own: the app's port may be public); exit closes it.
  await serveMetricsFromEnv(opts.host);
  let stopping = false;
  // Before express's own listener: a route may answer synchronously, and a header after that throws.
  server.prependListener('request', (_req, res) => {
    if (stopping && !res.headersSent) res.setHeader('Connection', 'close');
  });
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.locals.shuttingDown = true;
    const { SHUTDOWN_DELAY_MS: delay, SHUTDOWN_GRACE_MS: grace, SHUTDOWN_FLUSH_MS: flush } = settings;
    opts.logger.info({ signal, delayMs: delay, graceMs: grace, flushMs: flush }, 'shutting down');
    const hard = setTimeout(
      () => {
        opts.logger.error('shutdown overran its budget; exiting');
        process.exit(1);
      },
      delay + grace + flush + 1000,
    );
    hard.unref();
    await new Promise((r) => setTimeout(r, delay));
    // Keep-alive connections (the sidecar holds some) go as soon as they fall idle; stragglers at the end of grace.
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    const force = setTimeout(() => server.closeAllConnections(), grace);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    clearInterval(sweep);
    clearTimeout(force);
    for (const hook of opts.onShutdown ?? [])
      await hook().catch((err) => opts.logger.error({ err }, 'shutdown hook failed'));
    await stopTelemetry();
    opts.logger.info('shut down');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  return server;
}
