import { DeadlineExceededError } from '@dbcarts/errors';
import type { Logger } from '@dbcarts/logging';
import { currentTraceId } from '@dbcarts/telemetry';
import type { NextFunction, Request, Response } from 'express';
import { sendProblem, toProblem } from './problem';

/**
 * The outer bound on any request a service answers. Inner bounds end a stalled dependency sooner
 * and say which one failed: the sidecar's 3 s per building-block call and 6 s per invocation,
 * 3 s per database query, 500 ms per gateway Redis command. This one catches whatever they miss.
 */
export const DEFAULT_REQUEST_DEADLINE_MS = 8000;

// Dapr's callbacks into the app keep their own bounds (resiliency.yaml). An actor turn holds the
// actor's lock in the sidecar until the app answers: answering early would let the next turn in while
// this one still runs. A pub/sub delivery answered early would be redelivered while it still runs.
const SIDECAR_CALLBACK = /^\/(?:actors|dapr|events)\//i;

// Headers a handler may have set for an answer it never finished; they must not ride on the 503.
const ANSWER_HEADERS = ['content-length', 'content-encoding', 'etag', 'last-modified', 'location', 'set-cookie'];

/**
 * Answers 503 SERVICE.DEADLINE_EXCEEDED with Retry-After when a handler has not answered within
 * `deadlineMs`. The handler keeps running (nothing can cancel it safely); whatever it answers later,
 * through express or the raw response (a relayed stream), is dropped without error.
 */
export function requestDeadline(deadlineMs: number, log: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (SIDECAR_CALLBACK.test(req.path)) return next();
    const timer = setTimeout(() => {
      // An answer already on its way (a relay mid-stream) cannot be replaced by another one.
      if (res.headersSent || res.writableEnded) return;
      log.warn({ method: req.method, path: req.path, deadlineMs }, 'request overran its deadline: answered 503');
      for (const name of ANSWER_HEADERS) res.removeHeader(name);
      res.setHeader('Cache-Control', 'no-store');
      sendProblem(res, toProblem(new DeadlineExceededError(deadlineMs), currentTraceId()));
      muzzle(res);
    }, deadlineMs);
    const clear = () => clearTimeout(timer);
    res.once('finish', clear);
    res.once('close', clear);
    next();
  };
}

/** Turns every later write on an answered response into a no-op, so a late handler neither throws nor sends. */
function muzzle(res: Response): void {
  const self = () => res;
  const end = (...args: unknown[]) => {
    const done = args.find((a) => typeof a === 'function') as (() => void) | undefined;
    if (done) queueMicrotask(done);
    return res;
  };
  Object.assign(res, {
    writeHead: self,
    setHeader: self,
    appendHeader: self,
    removeHeader: () => undefined,
    flushHeaders: () => undefined,
    write: () => true,
    end,
  });
}
