import type { Logger } from '@dbcarts/logging';
import type { Request, Response } from 'express';

/** A check that has not answered by then counts as failed: a stalled store must not stall the probe. */
export const DEFAULT_READINESS_TIMEOUT_MS = 2000;

export type ReadinessCheck = () => Promise<void>;

/**
 * GET /readyz: each named check is `ok` or `failed`, 503 when any failed. Why a check failed
 * (addresses, driver text) goes to the log under the probe's request id, never into the body.
 */
export function readinessHandler(checks: Record<string, ReadinessCheck>, log: Logger, timeoutMs: number) {
  return async (_req: Request, res: Response) => {
    const results: Record<string, 'ok' | 'failed'> = {};
    let ready = true;
    await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await withTimeout(check(), timeoutMs);
          results[name] = 'ok';
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

function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  work.catch(() => undefined); // settles after the timeout: nobody awaits it any more
  return Promise.race([work, stalled]).finally(() => clearTimeout(timer));
}
