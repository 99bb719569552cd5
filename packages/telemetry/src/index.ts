import type { IncomingMessage, ServerResponse } from 'node:http';
import { currentRequestContext } from '@dbcarts/logging';
import { context, propagation, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { tracedRequests } from './request-tracing';
import { createSdk, sampleRatio, type TracingSdk } from './sdk';

let sdk: TracingSdk | undefined;
/** The share of new traces sampled (OTEL_TRACES_SAMPLER_ARG), applied by request-tracing.ts. */
let ratio = 1;

/**
 * Starts OpenTelemetry before express and http are loaded (instrumentation patches modules at
 * require time, so this must run first: main.ts imports '@dbcarts/telemetry/register' first).
 * Spans are exported only when OTEL_EXPORTER_OTLP_ENDPOINT is set; trace context is still
 * propagated (W3C traceparent) so Dapr's own spans and ours join one trace.
 */
export function startTelemetry(serviceName: string): void {
  const endpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  // With no collector, the SDK would only build spans to drop them (it cost ~30% of a cached read
  // here): trace context is then passed through from the incoming traceparent instead (below).
  if (sdk || process.env.OTEL_SDK_DISABLED === 'true' || (!endpoint && !process.env.OTEL_TRACES_SAMPLER)) return;
  ratio = sampleRatio(process.env.OTEL_TRACES_SAMPLER_ARG); // a bad value fails the start
  sdk = createSdk(serviceName, endpoint);
}

/**
 * The first middleware of every service's app: each request's server span (request-tracing.ts), or
 * nothing at all while tracing is off. `routeOf` names the span by the matched route's template.
 */
export function requestTracing(
  routeOf: (req: IncomingMessage) => string | undefined,
): (req: IncomingMessage, res: ServerResponse, next: () => void) => void {
  return sdk ? tracedRequests(routeOf, ratio) : (_req, _res, next) => next();
}

/**
 * A span for one database statement, child of the request's span — only when that request is being
 * traced (otherwise nothing is made: one context lookup). Named by its verb (`SELECT`, `COMMIT`); the
 * statement text is kept with literals masked (our statements carry their values as parameters,
 * which are never recorded). `end(err)` closes it. packages/db calls it for every bounded query.
 */
export function statementSpan(sql: string): { end(err?: unknown): void } | undefined {
  // Without the SDK there is no active span: nothing is made either.
  if (!trace.getActiveSpan()?.isRecording()) return undefined;
  const text = sql.length > 2_000 ? `${sql.slice(0, 2_000)}…` : sql;
  const span: Span = trace.getTracer('dbcarts-db').startSpan(
    /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? 'SQL',
    {
      kind: SpanKind.CLIENT,
      attributes: { 'db.system.name': 'mariadb', 'db.query.text': text.replace(LITERALS, '?') },
    },
    context.active(),
  );
  return {
    end(err?: unknown) {
      if (err) span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.name ?? 'error' });
      span.end();
    },
  };
}

// Numbers and quoted strings written into a statement's text (not its parameters): never recorded.
const LITERALS = /\b\d+\b|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g;

/** Flushes and stops telemetry; the service's shutdown sequence calls it last. */
export async function stopTelemetry(): Promise<void> {
  await sdk?.shutdown().catch(() => undefined);
  sdk = undefined;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** The trace id of the active span, or else of the request's traceparent (unsampled, or the SDK off). */
export function currentTraceId(traceparent?: string): string | undefined {
  // A span is active only inside a sampled request (request-tracing.ts) or one of its children.
  const id = trace.getActiveSpan()?.spanContext().traceId;
  if (id && id !== '00000000000000000000000000000000') return id;
  const tp = traceparent ?? currentRequestContext()?.traceparent;
  return tp ? TRACEPARENT.exec(tp)?.[1] : undefined;
}

/** The W3C traceparent of the active span, or else the request's own (unsampled, or the SDK off). */
export function currentTraceparent(): string | undefined {
  return traceHeaders().traceparent;
}

/** W3C trace headers to pass on through Dapr calls made with fetch. */
export function traceHeaders(): Record<string, string> {
  if (trace.getActiveSpan()) {
    const carrier: Record<string, string> = {};
    propagation.inject(context.active(), carrier);
    return carrier;
  }
  const tp = currentRequestContext()?.traceparent;
  return tp ? { traceparent: tp } : {};
}
