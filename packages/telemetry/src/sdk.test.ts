import { context, ROOT_CONTEXT, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import * as tracing from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { requestSampler, sampleRatio } from './sdk';

const { SamplingDecision } = tracing;
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const under = (flags: TraceFlags) =>
  trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE, spanId: '00f067aa0ba902b7', traceFlags: flags, isRemote: true });
const decide = (kind: SpanKind, ctx = context.active()) =>
  requestSampler().shouldSample(ctx, TRACE, 'span', kind, {}, []).decision;

describe('requestSampler', () => {
  it('records a new request (request-tracing.ts sampled it before asking), never a span no request started', () => {
    expect(decide(SpanKind.SERVER)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    // an outbox poll's query, a sweep's sidecar call: no trace of their own
    expect(decide(SpanKind.CLIENT)).toBe(SamplingDecision.NOT_RECORD);
    expect(decide(SpanKind.INTERNAL)).toBe(SamplingDecision.NOT_RECORD);
  });

  it("follows the caller's decision: a trace is whole or absent", () => {
    expect(decide(SpanKind.SERVER, under(TraceFlags.SAMPLED))).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(SpanKind.CLIENT, under(TraceFlags.SAMPLED))).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(SpanKind.SERVER, under(TraceFlags.NONE))).toBe(SamplingDecision.NOT_RECORD);
  });
});

describe('sampleRatio', () => {
  it('reads OTEL_TRACES_SAMPLER_ARG: absent is every trace, outside 0..1 fails at start', () => {
    expect(sampleRatio(undefined)).toBe(1);
    expect(sampleRatio('0.1')).toBe(0.1);
    expect(() => sampleRatio('10')).toThrow(/0\.\.1/);
    expect(() => sampleRatio('ten')).toThrow(/0\.\.1/);
  });
});
