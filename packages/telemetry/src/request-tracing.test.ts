import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { runWithRequestContext } from '@dbcarts/logging';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import * as tracing from '@opentelemetry/sdk-trace-base';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { statementSpan, traceHeaders } from './index';
import { tracedRequests } from './request-tracing';
import { requestSampler } from './sdk';

// The real API, sampler and span processing, with spans kept in memory instead of sent to Jaeger.
const exporter = new tracing.InMemorySpanExporter();
let ratio = 1;
const provider = new tracing.BasicTracerProvider({
  sampler: requestSampler(),
  spanProcessors: [new tracing.SimpleSpanProcessor(exporter)],
});

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
});
afterAll(() => {
  trace.disable();
  context.disable();
  propagation.disable();
});
beforeEach(() => exporter.reset());

/**
 * An app whose handler answers with the traceparent it would send on to its sidecar; the request
 * context is set up as packages/http's app does, from the (possibly rewritten) traceparent header.
 */
function app() {
  const a = express();
  a.use(tracedRequests((req) => (req as express.Request).route?.path, ratio));
  a.use((req, _res, next) => runWithRequestContext({ requestId: 'r', traceparent: req.get('traceparent') }, next));
  const onward = () => traceHeaders().traceparent ?? '';
  a.get('/api/products/:id', (_req, res) => res.json({ onward: onward() }));
  a.get('/boom/:id', (_req, res) => res.status(503).json({ onward: onward() }));
  a.get('/healthz', (_req, res) => res.json({ onward: onward() }));
  a.get('/orders/:id', async (_req, res) => {
    const statement = statementSpan("SELECT * FROM orders WHERE id = ? AND note = 'secret' LIMIT 10");
    await new Promise((r) => setTimeout(r, 5));
    statement?.end();
    res.json({ made: !!statement });
  });
  return a;
}
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('requestTracing', () => {
  it('a sampled request is one server span named by its route template, child of the caller', async () => {
    const res = await request(app()).get('/api/products/p-123').set('traceparent', `00-${TRACE}-00f067aa0ba902b7-01`);
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('GET /api/products/:id');
    expect(span?.spanContext().traceId).toBe(TRACE);
    expect(span?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(span?.attributes).toMatchObject({ 'http.route': '/api/products/:id', 'http.response.status_code': 200 });
    // what goes on to the sidecar is this span, sampled: the sidecars and services after it join the trace
    expect(res.body.onward).toBe(`00-${TRACE}-${span?.spanContext().spanId}-01`);
  });

  it('an unsampled request records nothing, yet passes a trace id on, marked unsampled', async () => {
    ratio = 0;
    try {
      const res = await request(app()).get('/api/products/p-1');
      expect(exporter.getFinishedSpans()).toHaveLength(0);
      expect(res.body.onward).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
      const other = await request(app()).get('/api/products/p-1');
      expect(other.body.onward.slice(3, 35)).not.toBe(res.body.onward.slice(3, 35)); // a trace id each
      // the caller's "not sampled" is followed whatever this service's own ratio
      ratio = 1;
      const unsampled = `00-${TRACE}-00f067aa0ba902b7-00`;
      const followed = await request(app()).get('/api/products/p-2').set('traceparent', unsampled);
      expect(exporter.getFinishedSpans()).toHaveLength(0);
      expect(followed.body.onward).toBe(unsampled);
    } finally {
      ratio = 1;
    }
  });

  it('a traceparent that is not one starts a new trace (sampled at the ratio), never passed on', async () => {
    const res = await request(app()).get('/api/products/p-3').set('traceparent', '00-nonsense-01');
    const [span] = exporter.getFinishedSpans();
    expect(span?.parentSpanContext).toBeUndefined();
    expect(res.body.onward).toBe(`00-${span?.spanContext().traceId}-${span?.spanContext().spanId}-01`);
    ratio = 0;
    try {
      const unsampled = await request(app()).get('/api/products/p-3').set('traceparent', '00-nonsense-01');
      expect(unsampled.body.onward).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    } finally {
      ratio = 1;
    }
  });

  it('samples new traces at the ratio', () => {
    const middleware = tracedRequests(() => undefined, 0.1);
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const res = Object.assign(new EventEmitter(), { statusCode: 200, writableFinished: true });
      middleware(
        { url: '/x', method: 'GET', headers: {} } as IncomingMessage,
        res as unknown as ServerResponse,
        () => {},
      );
      res.emit('close');
    }
    const sampled = exporter.getFinishedSpans().length;
    expect(sampled / n).toBeGreaterThan(0.08);
    expect(sampled / n).toBeLessThan(0.12);
  });

  it('a 5xx marks the span as an error; probes are not traced', async () => {
    await request(app()).get('/boom/1');
    expect(exporter.getFinishedSpans()[0]?.status.code).toBe(2); // SpanStatusCode.ERROR
    exporter.reset();
    const probe = await request(app()).get('/healthz');
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    expect(probe.body.onward).toBe('');
  });
});

describe('statementSpan', () => {
  it('a statement of a traced request is a child span named by its verb, literals masked', async () => {
    await request(app()).get('/orders/o-1').set('traceparent', `00-${TRACE}-00f067aa0ba902b7-01`);
    const spans = exporter.getFinishedSpans();
    const server = spans.find((s) => s.name === 'GET /orders/:id');
    const sql = spans.find((s) => s.name === 'SELECT');
    expect(sql?.parentSpanContext?.spanId).toBe(server?.spanContext().spanId);
    expect(sql?.attributes['db.query.text']).toBe('SELECT * FROM orders WHERE id = ? AND note = ? LIMIT ?');
  });

  it('makes nothing for a request that is not sampled, or outside any request', async () => {
    const res = await request(app()).get('/orders/o-2').set('traceparent', `00-${TRACE}-00f067aa0ba902b7-00`);
    expect(res.body.made).toBe(false);
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    expect(statementSpan('SELECT 1')).toBeUndefined();
  });
});
