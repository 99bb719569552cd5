import { createServer, type Server } from 'node:net';
import { createPaymentsClient } from '@dbcarts/payments/client';
import { startStack, type TestStack } from '@dbcarts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentDeclinedError, PaymentUnavailableError } from '../src/domain/payment.errors';
import { GuardedProvider } from '../src/infra/providers/guarded-provider';
import { StripeProvider } from '../src/infra/providers/stripe-provider';
import { authorizeBody, newOrderId, openDb, providerCalls } from './payments.support';
import { type StripeMock, startStripeMock } from './support/stripe-mock';

// The Stripe adapter (official SDK) at the HTTP level against stripe-mock, Stripe's own mock built
// from its OpenAPI spec: it refuses unknown parameters and wrong types, so a request shape that
// drifted from Stripe's API fails here. A recording proxy shows what went on the wire.
let mock: StripeMock;
let declining: StripeMock;

beforeAll(async () => {
  [mock, declining] = await Promise.all([
    startStripeMock(),
    startStripeMock({ paymentIntentStatus: 'requires_payment_method' }),
  ]);
}, 600_000);
afterAll(async () => {
  await Promise.all([mock?.stop(), declining?.stop()]);
});

const stripe = (apiUrl: string, secretKey = 'sk_test_123', timeoutMs = 3000) =>
  new GuardedProvider(new StripeProvider({ secretKey, apiUrl, timeoutMs }), {
    timeoutMs,
    breakerFailures: 5,
    halfOpenMs: 1000,
  });
const input = (orderId: string) => ({
  orderId,
  customerId: 'cust-9',
  amount: 2599,
  currency: 'EUR',
  token: 'pm_card_visa',
});
const since = (m: StripeMock, n: number) => m.requests.slice(n);

describe('Stripe adapter against stripe-mock', () => {
  it('authorize: creates the PaymentIntent unconfirmed with manual capture, remembers it, then confirms; each with its key', async () => {
    const orderId = newOrderId();
    const n = mock.requests.length;
    const remembered: string[] = [];
    const { ref } = await stripe(mock.url).authorize(input(orderId), {
      idempotencyKey: `${orderId}:authorize`,
      remember: async (r) => {
        remembered.push(r);
        expect(since(mock, n)).toHaveLength(1); // stored before the confirm goes out
      },
    });
    expect(ref).toMatch(/^pi_/);
    expect(remembered).toEqual([ref]);
    const [create, confirm] = since(mock, n);
    expect(create).toMatchObject({ method: 'POST', path: '/v1/payment_intents' });
    expect(create?.headers['idempotency-key']).toBe(`${orderId}:authorize`);
    expect(Object.fromEntries(create?.form ?? [])).toMatchObject({
      amount: '2599',
      currency: 'eur',
      capture_method: 'manual',
      payment_method: 'pm_card_visa',
      'allowed_payment_method_types[0]': 'card',
      'metadata[order_id]': orderId,
      'metadata[customer_id]': 'cust-9',
    });
    expect(create?.form.has('confirm')).toBe(false);
    expect(confirm).toMatchObject({ method: 'POST', path: `/v1/payment_intents/${ref}/confirm` });
    expect(confirm?.headers['idempotency-key']).toBe(`${orderId}:authorize:confirm`);
    expect(create?.headers.authorization).toBe('Bearer sk_test_123');
  });

  it('capture, void and refund go to their endpoints with the step key and the amount', async () => {
    const orderId = newOrderId();
    const p = stripe(mock.url);
    const n = mock.requests.length;
    const ref = 'pi_1PgafyB7WZ01zgkWSjxsAJo3';
    await p.capture({ orderId, ref, amount: 2599, currency: 'EUR' }, { idempotencyKey: `${orderId}:capture` });
    await p.void(
      { orderId, ref, authorizeKey: `${orderId}:authorize`, amount: 2599, currency: 'EUR' },
      { idempotencyKey: `${orderId}:void` },
    );
    const refund = await p.refund(
      { orderId, ref, amount: 500, currency: 'EUR', refundId: 'ret-1' },
      { idempotencyKey: `${orderId}:refund:ret-1` },
    );
    expect(refund.ref).toMatch(/^re_/);
    const [capture, cancel, refunded] = since(mock, n);
    expect(capture).toMatchObject({ path: `/v1/payment_intents/${ref}/capture` });
    expect(capture?.form.get('amount_to_capture')).toBe('2599');
    expect(capture?.headers['idempotency-key']).toBe(`${orderId}:capture`);
    expect(cancel).toMatchObject({ path: `/v1/payment_intents/${ref}/cancel` });
    expect(cancel?.headers['idempotency-key']).toBe(`${orderId}:void`);
    expect(refunded).toMatchObject({ path: '/v1/refunds' });
    expect(Object.fromEntries(refunded?.form ?? [])).toMatchObject({
      payment_intent: ref,
      amount: '500',
      'metadata[refund_id]': 'ret-1',
    });
    expect(refunded?.headers['idempotency-key']).toBe(`${orderId}:refund:ret-1`);
  });

  it('a void with no PaymentIntent id asks nothing: an unconfirmed PaymentIntent never held money', async () => {
    const n = mock.requests.length;
    const orderId = newOrderId();
    await stripe(mock.url).void(
      { orderId, authorizeKey: `${orderId}:authorize`, amount: 1, currency: 'EUR' },
      { idempotencyKey: `${orderId}:void` },
    );
    expect(since(mock, n)).toHaveLength(0);
  });

  it('a confirm that does not authorize is a decline, and the PaymentIntent is cancelled', async () => {
    const orderId = newOrderId();
    const n = declining.requests.length;
    await expect(
      stripe(declining.url).authorize(input(orderId), { idempotencyKey: `${orderId}:authorize` }),
    ).rejects.toBeInstanceOf(PaymentDeclinedError);
    expect(since(declining, n).map((r) => r.path.replace(/pi_\w+/, 'pi'))).toEqual([
      '/v1/payment_intents',
      '/v1/payment_intents/pi/confirm',
      '/v1/payment_intents/pi/cancel',
    ]);
  });

  it('a refused API key or an unreachable Stripe is unavailable (503), never a decline', async () => {
    const orderId = newOrderId();
    await expect(
      stripe(mock.url, 'not-a-key').authorize(input(orderId), { idempotencyKey: `${orderId}:authorize` }),
    ).rejects.toBeInstanceOf(PaymentUnavailableError);
    await expect(
      stripe('http://127.0.0.1:9').authorize(input(orderId), { idempotencyKey: `${orderId}:authorize` }),
    ).rejects.toBeInstanceOf(PaymentUnavailableError);
  });

  it('a Stripe that accepts the connection and never answers is abandoned at the timeout', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    const orderId = newOrderId();
    const t0 = Date.now();
    const e = await stripe(`http://127.0.0.1:${port}`, 'sk_test_123', 300)
      .authorize(input(orderId), { idempotencyKey: `${orderId}:authorize` })
      .catch((err) => err);
    expect(e).toBeInstanceOf(PaymentUnavailableError);
    expect(Date.now() - t0).toBeLessThan(2000);
    silent.close();
  });
});

describe('payments service with Stripe (through Dapr, credentials from the secret store)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({
      apps: ['payments'],
      secrets: { 'stripe-secret-key': 'sk_test_fromSecretStore42' },
      appEnv: { payments: { STRIPE_API_URL: mock.url } },
    });
  });
  afterAll(() => stack?.stop());

  it('authorize → capture → refund with provider stripe, the ledger balanced, every call keyed', async () => {
    const client = createPaymentsClient(stack.sidecar('payments'));
    const orderId = newOrderId();
    const n = mock.requests.length;
    const body = { ...authorizeBody(orderId, 'pm_card_visa', 2599), provider: 'stripe' as const };
    expect(await client.authorize(body)).toMatchObject({ provider: 'stripe', status: 'authorized' });
    expect(await client.capture(orderId)).toMatchObject({ status: 'captured', captured: 2599 });
    expect(await client.refund(orderId, { refundId: 'r1', amount: 599 })).toMatchObject({ refunded: 599 });
    expect(await client.reconcile(orderId)).toMatchObject({
      authorized: 2599,
      captured: 2599,
      refunded: 599,
      balanced: true,
    });
    const sent = since(mock, n);
    expect(sent.map((r) => r.headers['idempotency-key'])).toEqual([
      `${orderId}:authorize`,
      `${orderId}:authorize:confirm`,
      `${orderId}:capture`,
      `${orderId}:refund:r1`,
    ]);
    expect(sent.every((r) => r.headers.authorization === 'Bearer sk_test_fromSecretStore42')).toBe(true);
    const db = await openDb(stack);
    try {
      expect(await providerCalls(db, `${orderId}:authorize`)).toBe(1);
    } finally {
      await db.end();
    }
  });
});
