import type { Logger } from '@dbcarts/logging';
import type { Request, Response } from 'express';

/** A check that has not answered by then counts as failed: a stalled store must not stall the probe. */
export const DEFAULT_READINESS_TIMEOUT_MS = 2000;

/**
 * Throws when its dependency is not ready. Resolving to the string 'degraded' reports a dependency that is down
 * without taking the instance out of rotation (a gateway whose catalog is down still serves the
 * rest, and pulling every gateway would turn a partial outage into a total one).
 */
export type ReadinessCheck = () => Promise<unknown>;

/**
 * GET /readyz: each named check is `ok`, `degraded` or `failed`, 503 when any failed, and 503
 * `shutting_down` (no checks run) from the moment the process got SIGTERM (`app.locals.shuttingDown`,
 * set by serve()): the load balancer stops sending before the listener closes. Why a check failed
 * (addresses, driver text) goes to the log under the probe's request id, never into the body.
 */
export function readinessHandler(checks: Record<string, ReadinessCheck>, log: Logger, timeoutMs: number) {
  return async (req: Request, res: Response) => {
    if (req.app.locals.shuttingDown === true) {
      res.status(503).json({ status: 'shutting_down', checks: {} });
      return;
    }
    const results: Record<string, 'ok' | 'degraded' | 'failed'> = {};
    let ready = true;
    await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          const outcome = await withTimeout(check(), timeoutMs);
          results[name] = outcome === 'degraded' ? 'degraded' : 'ok';
        } catch (err) {
          ready = false;
          results[name] = 'failed';
          log.warn({ check: name, err }, 'readiness check failed');
        }
      }),
    );
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks: results });
  };
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  work.catch(() => undefined); // settles after the timeout: nobody awaits it any more
  return Promise.race([work, stalled]).finally(() => clearTimeout(timer));
}
