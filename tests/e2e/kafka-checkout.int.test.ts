import { randomUUID } from 'node:crypto';
import { startStack, TEST_ADMIN, type TestStack } from '@dbcarts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, apiCaller, newCustomer, within } from '../support/api';

// The order flow on Kafka (DAPR_PROFILE=pubsub-kafka, a kfake broker of the run's own): the orders
// outbox publishes orders.confirmed, and its two consumer groups (orders' invoices, notifications'
// email) each get it. Then what Kafka does not do by itself and daprd does on top of it, as on the
// other brokers: a consumer answering RETRY gets the event again, and DROP lands on the dead-letter topic.
// Broadcast (cache drops) is on Kafka too, each gateway instance in a consumer group of its own.
let stack: TestStack;
let api: Api;
let skus: string[];

beforeAll(async () => {
  stack = await startStack({
    apps: ['users', 'catalog', 'inventory', 'payments', 'promotions', 'orders', 'notifications', 'gateway'],
    profiles: ['pubsub-kafka'],
    appEnv: {
      catalog: { SEED_CATALOG_PRODUCTS: '4' },
      gateway: { RATE_LIMIT_PER_MINUTE: '1000000', REGISTRATIONS_PER_IP_PER_HOUR: '1000' },
    },
  });
  api = apiCaller(stack.appUrl('gateway'));
  const admin = (await api('POST', '/api/auth/login', TEST_ADMIN)).body.accessToken;
  skus = ((await api('GET', '/api/products?pageSize=4&sort=name')).body.items as { sku: string }[]).map((p) => p.sku);
  for (const sku of skus) expect((await api('PUT', `/api/inventory/${sku}`, { onHand: 50 }, admin)).status).toBe(200);
}, 240_000);
afterAll(() => stack?.stop());

const placeOrder = async (token: string) => {
  const res = await api(
    'POST',
    '/api/orders',
    {
      items: [{ sku: skus[0], quantity: 1 }],
      shippingAddress: { name: 'Kaf Ka', line1: '1 Log St', city: 'Prague', postalCode: '11000', country: 'CZ' },
      payment: { provider: 'test', token: 'tok_visa' },
    },
    token,
    { 'idempotency-key': randomUUID() },
  );
  expect(res.status).toBe(201);
  expect(res.body.status).toBe('confirmed');
  return res.body.id as string;
};
const inbox = async (email: string) => (await stack.mailpit?.messagesTo(email)) ?? [];
const invoiceStatus = async (id: string, token: string) =>
  (await api('GET', `/api/orders/${id}/invoice`, undefined, token)).status;

describe('with DAPR_PROFILE=pubsub-kafka', () => {
  it('runs on pubsub.kafka: the sidecars load Kafka components, not the default broker', async () => {
    const meta = (await (
      await fetch(`http://127.0.0.1:${stack.stack.endpoints('orders').daprHttpPort}/v1.0/metadata`, {
        signal: AbortSignal.timeout(5_000),
      })
    ).json()) as { components: { name: string; type: string }[] };
    expect(meta.components.find((c) => c.name === 'pubsub')?.type).toBe('pubsub.kafka');
    const gwMeta = (await (
      await fetch(`http://127.0.0.1:${stack.stack.endpoints('gateway').daprHttpPort}/v1.0/metadata`, {
        signal: AbortSignal.timeout(5_000),
      })
    ).json()) as { components: { name: string; type: string }[] };
    expect(gwMeta.components.find((c) => c.name === 'broadcast')?.type).toBe('pubsub.kafka');
  });

  it('an order is confirmed, and its invoice and confirmation email follow over Kafka', async () => {
    const c = await newCustomer(api, stack.uniqueId('kafka'));
    const id = await placeOrder(c.token);
    await within(15_000, async () => (await invoiceStatus(id, c.token)) === 200);
    await within(15_000, async () => (await inbox(c.email)).length === 1);
    const invoice = (await api('GET', `/api/orders/${id}/invoice`, undefined, c.token)).body;
    expect(invoice.gross.amount).toBeGreaterThan(0);
    // The first events may wait for the consumer groups to form (9.8 s once on a loaded machine, 0.1 s
    // usually); once formed, the next order's invoice and email follow within a few seconds.
    const next = await placeOrder(c.token);
    await within(5_000, async () => (await invoiceStatus(next, c.token)) === 200);
    await within(5_000, async () => (await inbox(c.email)).length === 2);
  });

  it('a consumer answering RETRY (SMTP down) gets the event again and mails once; the invoice does not wait', async () => {
    const c = await newCustomer(api, stack.uniqueId('kretry'));
    const mailpit = stack.mailpit;
    if (!mailpit) throw new Error('the notifications manifest asks for Mailpit');
    await mailpit.stop();
    const notified = async () => JSON.stringify((await api('GET', '/api/me/notifications', undefined, c.token)).body);
    let id: string;
    try {
      id = await placeOrder(c.token);
      // The invoice consumer is another consumer group: it goes on while notifications retries.
      await within(15_000, async () => (await invoiceStatus(id, c.token)) === 200);
      await new Promise((r) => setTimeout(r, 2_000)); // several RETRY answers while the SMTP server is away
      // A notification is recorded only with a sent email: none yet, the event is still pending.
      expect(await notified()).not.toContain(id);
    } finally {
      await mailpit.start();
    }
    // daprd's pubsubRetry backs off exponentially up to 30 s (components/default/resiliency.yaml).
    await within(45_000, async () => (await inbox(c.email)).length > 0);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await inbox(c.email)).toHaveLength(1);
    expect(await notified()).toContain(id);
  });

  it("a product change drops the gateway's cached copy (broadcast on Kafka, a group per instance)", async () => {
    const id = ((await api('GET', '/api/products?pageSize=1&sort=name')).body.items[0] as { id: string }).id;
    const gw = `/api/products/${id}`;
    await api('GET', gw);
    const warm = await fetch(`${stack.appUrl('gateway')}${gw}`);
    expect(warm.headers.get('x-cache')).toBe('HIT');
    const price = ((await warm.json()) as { price: { amount: number } }).price.amount + 101;
    const patched = await fetch(`${stack.appUrl('catalog')}/products/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', ...stack.sidecarHeaders },
      body: JSON.stringify({ price: { amount: price, currency: 'USD' } }),
    });
    expect(patched.status).toBe(200);
    // Well inside the edge cache's lifetime: only catalog.product-changed over Kafka drops the copy.
    await within(3_000, async () => (await api('GET', gw)).body.price.amount === price);
  });

  it('a malformed event (DROP) goes to the dead-letter topic and is parked once', async () => {
    const id = randomUUID();
    await stack.sidecar('orders').publish('pubsub', 'orders.confirmed', { nonsense: true }, { id });
    const sidecar = stack.sidecar('notifications');
    const parked = async () =>
      (await sidecar.invokeService<{ eventId: string; topic: string }[]>('notifications', 'GET', 'dead-letters')).body;
    await within(20_000, async () => (await parked()).some((l) => l.eventId === id));
    const letters = (await parked()).filter((l) => l.eventId === id);
    expect(letters).toHaveLength(1);
    expect(letters[0]?.topic).toBe('orders.confirmed');
  });
});
