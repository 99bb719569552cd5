import type { NextFunction, Request, Response } from 'express';
import { RED_COUNT, RED_DURATION, RedSeries } from './red-series';
import { registry } from './registry';

// One store per process, like the registry (a module loaded twice by a test runner reuses it).
export const red: RedSeries =
  (registry.getSingleMetric(RED_COUNT) as unknown as { owner?: RedSeries } | undefined)?.owner ??
  new RedSeries(RED_COUNT, RED_DURATION);

/** What a request matched no route of is counted under (404s, and what middleware answered first). */
export const UNMATCHED = 'unmatched';

// Only these methods get their own label: anything else a client invents is one bounded "OTHER".
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'];

/**
 * The route TEMPLATE the request matched (`/api/products/:id`), never the raw path: a label per
 * distinct URL would grow without bound under a crawler or a fuzzer. A request no route matched
 * (404, or answered by middleware first, e.g. a 429 from the rate limiter) is `unmatched`.
 * An error thrown inside a sub-router mounted under a prefix is reported without that prefix
 * (express restores baseUrl before the app's error handler runs): still bounded.
 */
export function routeTemplate(req: Request): string {
  const route = req.route as { path?: unknown } | undefined;
  if (!route) return UNMATCHED;
  const path = typeof route.path === 'string' ? route.path : String(route.path);
  return req.baseUrl ? req.baseUrl + path : path;
}

export function statusClass(status: number): string {
  return CLASSES[Math.floor(status / 100) - 1] ?? 'other';
}

/**
 * RED metrics for every request: a counter and a latency histogram labelled by method, route
 * template and status class. Recorded when the response closes, so a client that hung up is
 * counted too (status_class "aborted": it never got the answer).
 */
export function redMetrics() {
  return (req: Request, res: Response, next: NextFunction): void => {
    const start = performance.now();
    res.on('close', () => {
      red.record(
        METHODS.has(req.method) ? req.method : 'OTHER',
        routeTemplate(req),
        res.writableFinished ? statusClass(res.statusCode) : 'aborted',
        (performance.now() - start) / 1000,
      );
    });
    next();
  };
}
