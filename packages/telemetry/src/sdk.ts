import { type Context, SpanKind } from '@opentelemetry/api';
import type { Sampler } from '@opentelemetry/sdk-trace-base';

/** What a service holds of the tracing SDK: its shutdown (flushes the spans still queued). */
export interface TracingSdk {
  shutdown(): Promise<void>;
}

/**
 * The SDK as every service runs it: a tracer provider, a batch processor and the OTLP/HTTP exporter,
 * loaded only here and only when tracing is on. Not @opentelemetry/sdk-node's NodeSDK, which loads
 * every exporter it could be configured with (gRPC, protobuf, Zipkin, Prometheus) and the metrics and
 * logs SDKs: with it, the cached read cost +12 µs of gateway CPU (of 60) at a 0 % rate, with nothing
 * sampled and none of it visible in the main thread's profile; with this, +4 µs (bench:tracing-cost,
 * quiet box). Requiring it: 26.1 MB RSS; this set: 19.3 MB.
 * Every service's server spans come from requestTracing (request-tracing.ts) and its database
 * statements from statementSpan (index.ts, called by packages/db for every bounded query).
 *
 * Why the SDK once cost ~30 % of a cached read here (issue 12), and what this leaves out because of it:
 * - NodeSDK's defaults export METRICS and LOGS over OTLP too (OTEL_METRICS_EXPORTER/OTEL_LOGS_EXPORTER
 *   default to otlp): every request then also fed the HTTP instrumentation's duration histograms.
 *   Metrics are prom-client's (@dbcarts/metrics); logs are pino's. Here: traces only.
 * - express instrumentation makes a span per middleware layer (helmet, request id, deadline, json,
 *   guard... ~10 per request), and with the http instrumentation it did its work for every request,
 *   sampled or not (profiled: ~75 % of a cached read's CPU at 10 %). Neither is used: the server span
 *   is ours (request-tracing.ts), made after the sampler decided. The mysql2 instrumentation, tried
 *   next, made a span per statement of unsampled requests too and hooked every require() at run time
 *   (require-in-the-middle, shimmer: 3-10 % of each service's CPU in bench/checkout's profiles).
 * - the default sampler is always-on: every request built and exported a trace. Here a ratio
 *   (OTEL_TRACES_SAMPLER_ARG, 0.1 in deploy/k8s) decides for traces that start here, and a request
 *   that arrives with a trace context follows its caller's decision (parent-based), so a trace is
 *   whole or absent. The ratio is applied by request-tracing.ts before the SDK is called at all: an
 *   unsampled request going through the SDK (a non-recording span and a context each) still cost
 *   ~13 µs of a 49 µs cached read.
 * - Only requests start traces: a database query or sidecar call with no request around it (outbox
 *   polls, recovery sweeps) would otherwise be a one-span trace every poll.
 */
export function createSdk(serviceName: string, endpoint: string | undefined): TracingSdk {
  const { NodeTracerProvider } =
    require('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node');
  const { BatchSpanProcessor } =
    require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
  const { defaultResource, resourceFromAttributes } =
    require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const { OTLPTraceExporter } =
    require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');

  const provider = new NodeTracerProvider({
    // telemetry.sdk.* (language nodejs, name, version) as NodeSDK set them: tools tell an app's spans
    // from its sidecar's by them.
    resource: defaultResource().merge(resourceFromAttributes({ 'service.name': serviceName })),
    sampler: requestSampler(),
    // No endpoint (a sampler set without a collector): spans are made for their ids and dropped.
    spanProcessors: endpoint ? [new BatchSpanProcessor(new OTLPTraceExporter({ timeoutMillis: 5_000 }))] : [],
  });
  // The async-local-storage context manager and the W3C trace-context + baggage propagators.
  provider.register();
  return provider;
}

/**
 * Parent-based: a span with a parent follows the parent's decision. A span without one is recorded
 * when it is a request's (SERVER): request-tracing.ts calls the SDK for a new request only once it
 * has sampled it at OTEL_TRACES_SAMPLER_ARG. Nothing else starts a trace (see above).
 */
export function requestSampler(): Sampler {
  const tracing = require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
  const requestRootsOnly = {
    shouldSample(_ctx: Context, _traceId: string, _name: string, kind: SpanKind) {
      return {
        decision:
          kind === SpanKind.SERVER ? tracing.SamplingDecision.RECORD_AND_SAMPLED : tracing.SamplingDecision.NOT_RECORD,
      };
    },
    toString: () => 'RequestRootsOnly',
  };
  return new tracing.ParentBasedSampler({ root: requestRootsOnly });
}

/** OTEL_TRACES_SAMPLER_ARG as a share of new traces; absent means every one (a dev or test stack). */
export function sampleRatio(arg: string | undefined): number {
  if (arg === undefined || arg.trim() === '') return 1;
  const n = Number(arg);
  if (!Number.isFinite(n) || n < 0 || n > 1)
    throw new Error(`OTEL_TRACES_SAMPLER_ARG must be within 0..1, not "${arg}"`);
  return n;
}
