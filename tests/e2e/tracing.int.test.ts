import { randomBytes, randomUUID } from 'node:crypto';
import { startStack, TEST_ADMIN, type TestStack } from '@dbcarts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, apiCaller, newCustomer, orderBody, startDrop, within } from '../support/api';

// One trace per customer request, across every hop: the gateway, the sidecars, the services behind
// them, the SKU actor's turn, and the asynchronous consumers of the events the order caused (their
// spans join the order's trace through the traceparent the outbox kept and the CloudEvent carried).
// Everything is read back from a real Jaeger's query API, as an on-call person would.
let stack: TestStack;
let api: Api;
let admin: string;
let skus: string[];

beforeAll(async () => {
  stack = await startStack({
    apps: ['users', 'catalog', 'inventory', 'payments', 'promotions', 'orders', 'notifications', 'gateway'],
    // Every trace a test starts is sampled by its own traceparent flag; new traces at 1 too, so a
    // missing span is never the sampler's choice.
    tracing: { sampleRate: 1 },
    appEnv: {
      catalog: { SEED_CATALOG_PRODUCTS: '3' },
      gateway: { RATE_LIMIT_PER_MINUTE: '1000000', REGISTRATIONS_PER_IP_PER_HOUR: '1000' },
      // A poll-only relay publishes outside any request: only the traceparent the outbox row kept links
      // the consumers to the order (with wake-on-commit the publish would inherit the request context).
      orders: { OUTBOX_WAKE_ON_COMMIT: 'false', OUTBOX_POLL_MS: '200' },
    },
  });
  api = apiCaller(stack.appUrl('gateway'));
  admin = (await api('POST', '/api/auth/login', TEST_ADMIN)).body.accessToken;
  skus = (await api('GET', '/api/products?pageSize=3&sort=name')).body.items.map((p: { sku: string }) => p.sku);
  for (const sku of skus) expect((await api('PUT', `/api/inventory/${sku}`, { onHand: 100 }, admin)).status).toBe(200);
}, 240_000);
afterAll(async () => {
  await stack?.stop();
});

interface JaegerSpan {
  spanID: string;
  operationName: string;
  processID: string;
  references: { refType: string; spanID: string }[];
}
interface JaegerTrace {
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string; tags: { key: string; value: unknown }[] }>;
}

/** A W3C traceparent of a new, sampled trace: the test knows the trace id before the request. */
function newTrace(): { traceId: string; traceparent: string } {
  const traceId = randomBytes(16).toString('hex');
  return { traceId, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` };
}

async function fetchTrace(traceId: string): Promise<JaegerTrace | undefined> {
  const res = await fetch(`${stack.jaeger?.queryUrl}/api/traces/${traceId}`);
  if (res.status !== 200) return undefined;
  return ((await res.json()) as { data: JaegerTrace[] }).data[0];
}

/** "service: operation" for each span, the service told apart from its sidecar by the SDK's tags. */
function describeSpans(trace: JaegerTrace): string[] {
  return trace.spans.map((s) => {
    const proc = trace.processes[s.processID];
    const sdk = proc?.tags.some((t) => t.key === 'telemetry.sdk.language' && t.value === 'nodejs');
    return `${proc?.serviceName}${sdk ? '' : ' (daprd)'}: ${s.operationName}`;
  });
}

/** Waits until the trace holds a span matching every pattern (spans arrive in batches, out of order). */
async function traceWith(traceId: string, patterns: RegExp[], ms = 20_000): Promise<string[]> {
  let spans: string[] = [];
  try {
    await within(ms, async () => {
      const trace = await fetchTrace(traceId);
      spans = trace ? describeSpans(trace) : [];
      return patterns.every((p) => spans.some((s) => p.test(s)));
    });
  } catch {
    // fall through: the assertion below names what is missing
  }
  for (const p of patterns)
    expect(spans, `no span matches ${p}`).toEqual(expect.arrayContaining([expect.stringMatching(p)]));
  return spans;
}

describe('tracing (Jaeger, OTLP from every service and sidecar)', () => {
  it('an order is ONE trace: gateway, orders, the actor turn, payments, and the invoice and email consumers', async () => {
    const buyer = await newCustomer(api, stack.uniqueId('traced'));
    const { traceId, traceparent } = newTrace();
    const placed = await api('POST', '/api/orders', orderBody([{ sku: skus[0], quantity: 1 }]), buyer.token, {
      'idempotency-key': randomUUID(),
      traceparent,
    });
    expect(placed.status).toBe(201);
    // The trace id is in every log line of the request too: the gateway echoes its request id, and the
    // logs carry traceId (asserted by the logging package's tests); here the trace itself.
    const spans = await traceWith(traceId, [
      /^gateway: POST \/api\/orders/, // the gateway's own span, named by route template
      /^gateway \(daprd\): /, // its sidecar's invocation of orders
      /^orders: POST /, // the orders service handling the checkout
      /^orders: COMMIT$/, // its database statements (packages/db), inside its span
      /^inventory: PUT \/actors\//, // the SKU actor's turn in the inventory service
      /^payments: POST /, // the authorization
      /^orders: POST \/events\/orders\.confirmed/, // the invoice consumer, after the outbox relay published
      /^notifications: POST \/events\//, // the confirmation email consumer
    ]);
    expect(spans.length).toBeGreaterThan(10);
    // The tree `npm run trace` prints, in the test log: what the spans look like to a person.
    const trace = (await fetchTrace(traceId)) as JaegerTrace;
    const { renderTrace } = await import('../../scripts/trace.mjs');
    const tree = renderTrace(trace);
    console.log(tree.lines.join('\n'));
    expect(tree.lines).toHaveLength(trace.spans.length);
    expect(tree.slowest.self).toBeGreaterThan(0);
  });

  it('a claim in a drop has its trace: gateway route, sidecar, the actor turn that decided it', async () => {
    const sku = skus[1] as string;
    await startDrop(api, admin, sku, 5, 1);
    const buyer = await newCustomer(api, stack.uniqueId('claimer'));
    const { traceId, traceparent } = newTrace();
    const claim = await api('POST', `/api/flash-sales/${sku}/claims`, { quantity: 1 }, buyer.token, {
      'idempotency-key': randomUUID(),
      traceparent,
    });
    expect(claim.status).toBe(201);
    await traceWith(traceId, [
      /^gateway: POST \/api\/flash-sales\/:sku\/claims/,
      /^gateway \(daprd\): /,
      /^inventory: PUT \/actors\//,
    ]);
  });
});
