import { context, ROOT_CONTEXT, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { tracing } from '@opentelemetry/sdk-node';
import { describe, expect, it } from 'vitest';
import { requestSampler, sampleRatio } from './sdk';

const { SamplingDecision } = tracing;
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const under = (flags: TraceFlags) =>
  trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE, spanId: '00f067aa0ba902b7', traceFlags: flags, isRemote: true });
const decide = (ratio: number, kind: SpanKind, ctx = context.active()) =>
  requestSampler(ratio).shouldSample(ctx, TRACE, 'span', kind, {}, []).decision;

describe('requestSampler', () => {
  it('samples a new request at the ratio, and never a span that no request started', () => {
    expect(decide(1, SpanKind.SERVER)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(0, SpanKind.SERVER)).toBe(SamplingDecision.NOT_RECORD);
    // an outbox poll's query, a sweep's sidecar call: no trace of their own even at ratio 1
    expect(decide(1, SpanKind.CLIENT)).toBe(SamplingDecision.NOT_RECORD);
    expect(decide(1, SpanKind.INTERNAL)).toBe(SamplingDecision.NOT_RECORD);
  });

  it("follows the caller's decision whatever the ratio: a trace is whole or absent", () => {
    expect(decide(0, SpanKind.SERVER, under(TraceFlags.SAMPLED))).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(0, SpanKind.CLIENT, under(TraceFlags.SAMPLED))).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(1, SpanKind.SERVER, under(TraceFlags.NONE))).toBe(SamplingDecision.NOT_RECORD);
  });

  it('keeps close to the ratio over many new traces', () => {
    const sampler = requestSampler(0.1);
    let sampled = 0;
    for (let i = 0; i < 20_000; i++) {
      const id = (BigInt(i) * 0x9e3779b97f4a7c15n).toString(16).padStart(32, '0').slice(-32);
      const d = sampler.shouldSample(ROOT_CONTEXT, id, 'req', SpanKind.SERVER, {}, []).decision;
      if (d === SamplingDecision.RECORD_AND_SAMPLED) sampled++;
    }
    expect(sampled / 20_000).toBeGreaterThan(0.08);
    expect(sampled / 20_000).toBeLessThan(0.12);
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
