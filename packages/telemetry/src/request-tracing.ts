import { randomFillSync } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

const UNTRACED = /^\/(healthz|readyz|metrics)(\?|$)/;
const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-([0-9a-f]{2})$/;

/**
 * The server span of each request, as the first middleware of every service's app — in place of
 * @opentelemetry/instrumentation-http and -express, which cost the cached gateway read ~75 % of its
 * CPU at a 10 % sample rate here (bench/tracing-cost, profiled): they compute every semantic-convention
 * attribute and bind the request's and response's emitters BEFORE the sampler decides, and wrap every
 * middleware layer.
 *
 * Here the decision comes first, and only a sampled request touches the SDK: it gets a span (named by
 * the route template, `POST /api/orders`, never the raw path, with its attributes set when it ends)
 * and a context of its own. An unsampled one costs a header check: one that came with an unsampled
 * traceparent keeps it, one that came with none gets a fresh one marked unsampled (a pooled random id,
 * written into its headers so the request context, its logs and its onward calls carry it). Either
 * way the sidecars and services after it follow the decision: a trace is whole or absent. Through the
 * SDK (a non-recording span and a context per request, the sampler, the id generator) an unsampled
 * request cost the cached read 13 µs of its 49 (bench/tracing-cost at 0 %); this path costs ~1 µs.
 *
 * `ratio` is the share of new traces (requests with no traceparent) that are sampled; a request that
 * arrives with one follows its caller (the SDK's sampler is parent-based, sdk.ts).
 */
export function tracedRequests(routeOf: (req: IncomingMessage) => string | undefined, ratio: number) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    if (UNTRACED.test(req.url ?? '')) {
      next();
      return;
    }
    const incoming = req.headers.traceparent;
    const flags = typeof incoming === 'string' ? TRACEPARENT.exec(incoming)?.[1] : undefined;
    if (flags !== undefined ? (Number.parseInt(flags, 16) & 1) === 0 : !(Math.random() < ratio)) {
      if (flags === undefined) req.headers.traceparent = unsampledTraceparent();
      next();
      return;
    }
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = trace.getTracer('dbcarts-http').startSpan(req.method ?? 'HTTP', { kind: SpanKind.SERVER }, parent);
    res.once('close', () => {
      const route = routeOf(req);
      const status = res.statusCode;
      if (route) span.updateName(`${req.method} ${route}`);
      span.setAttributes({
        'http.request.method': req.method ?? '',
        'url.path': (req.url ?? '').split('?')[0] ?? '',
        ...(route ? { 'http.route': route } : {}),
        'http.response.status_code': status,
      });
      // A request cut before its answer was sent is an error too (the client or a deadline gave up).
      if (status >= 500 || !res.writableFinished) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(parent, span), next);
  };
}

// Random ids for unsampled traces, 24 bytes (trace id + span id) a request from a pool refilled by
// one randomFillSync per 256 requests.
const pool = Buffer.allocUnsafe(24 * 256);
let at = pool.length;

function unsampledTraceparent(): string {
  if (at + 24 > pool.length) {
    randomFillSync(pool);
    at = 0;
  }
  const hex = pool.toString('hex', at, at + 24);
  at += 24;
  return `00-${hex.slice(0, 32)}-${hex.slice(32)}-00`;
}
