import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

const UNTRACED = /^\/(healthz|readyz|metrics)(\?|$)/;

/**
 * The server span of each request, as the first middleware of every service's app — in place of
 * @opentelemetry/instrumentation-http and -express, which cost the cached gateway read ~75 % of its
 * CPU at a 10 % sample rate here (bench/tracing-cost, profiled): they compute every semantic-convention
 * attribute and bind the request's and response's emitters BEFORE the sampler decides, and wrap every
 * middleware layer. Here the sampler decides first: an unsampled request costs a context lookup and one
 * non-recording span (it still carries the trace id, so logs name it and the sidecars follow the
 * decision: a trace is whole or absent); a sampled one gets its attributes when it ends, named by the
 * route template (`POST /api/orders`), never the raw path.
 */
export function tracedRequests(routeOf: (req: IncomingMessage) => string | undefined) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    if (UNTRACED.test(req.url ?? '')) {
      next();
      return;
    }
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = trace.getTracer('dbcarts-http').startSpan(req.method ?? 'HTTP', { kind: SpanKind.SERVER }, parent);
    if (span.isRecording()) {
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
    }
    context.with(trace.setSpan(parent, span), next);
  };
}
