import type { NextFunction, Request, Response } from 'express';
import { counter, histogram, LATENCY_BUCKETS } from './registry';

type RedLabel = 'method' | 'route' | 'status_class';

const requests = counter<RedLabel>({
  name: 'http_server_requests_total',
  help: 'HTTP requests answered, by route template and status class',
  labelNames: ['method', 'route', 'status_class'],
});
const duration = histogram<RedLabel>({
  name: 'http_server_request_duration_seconds',
  help: 'Time from the request reaching express to the response being closed, by route template',
  labelNames: ['method', 'route', 'status_class'],
  buckets: LATENCY_BUCKETS,
});

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
    res.once('close', () => {
      const labels = {
        method: METHODS.has(req.method) ? req.method : 'OTHER',
        route: routeTemplate(req),
        status_class: res.writableFinished ? statusClass(res.statusCode) : 'aborted',
      };
      requests.inc(labels);
      duration.observe(labels, (performance.now() - start) / 1000);
    });
    next();
  };
}
