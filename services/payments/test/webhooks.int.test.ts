import { createPaymentsClient, type PaymentsClient } from '@dbcarts/payments/client';
import { startStack, type TestStack } from '@dbcarts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeBody, journals, newOrderId, openDb, rows } from './payments.support';
import { type StripeMock, startStripeMock } from './support/stripe-mock';
import { adyenNotification, adyenSigned, startPayPalSigner, stripeSignature } from './support/webhook-signers';

// Provider webhooks on real sidecars: straight to the payments service (as its sidecar delivers
// them) and through the gateway's relay, signed the way each provider documents it.
let mock: StripeMock;
let paypal: Awaited<ReturnType<typeof startPayPalSigner>>;
let stack: TestStack;
let client: PaymentsClient;
let db: Awaited<ReturnType<typeof openDb>>;
const PAYPAL_WEBHOOK_ID = 'WH4DBCARTSTEST';

beforeAll(async () => {
  [mock, paypal] = await Promise.all([startStripeMock(), startPayPalSigner()]);
  stack = await startStack({
    apps: ['payments', 'gateway'],
    secrets: { 'stripe-secret-key': 'sk_test_webhooks42', 'paypal-webhook-id': PAYPAL_WEBHOOK_ID },
    appEnv: { payments: { STRIPE_API_URL: mock.url, PAYPAL_WEBHOOK_CERT_ORIGIN: paypal.origin } },
  });
  client = createPaymentsClient(stack.sidecar('payments'));
  db = await openDb(stack);
}, 600_000);
afterAll(async () => {
  await db?.end();
  await stack?.stop();
  await Promise.all([mock?.stop(), paypal?.stop()]);
});

interface Answer {
  status: number;
  type: string;
  text: string;
}

/** POST a webhook straight to the payments service (as its sidecar would) or through the gateway. */
async function deliver(
  provider: string,
  body: string,
  headers: Record<string, string>,
  via = 'payments',
): Promise<Answer> {
  const url =
    via === 'gateway'
      ? `${stack.appUrl('gateway')}/api/payments/webhooks/${provider}`
      : `${stack.appUrl('payments')}/webhooks/${provider}`;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers, ...(via === 'payments' ? stack.sidecarHeaders : {}) },
    body,
  });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

const stripeEvent = (id: string, type: string, object: Record<string, unknown>, pretty = true) =>
  JSON.stringify(
    { id, object: 'event', type, api_version: '2026-08-26.dahlia', data: { object } },
    null,
    pretty ? 2 : 0,
  );
const recorded = async (provider: string, eventId: string) =>
  rows<{ outcome: string }>(db, 'SELECT outcome FROM webhook_events WHERE provider = ? AND event_id = ?', [
    provider,
    eventId,
  ]);

async function stripeOrder(amount = 3000) {
  const orderId = newOrderId();
  const p = await client.authorize({ ...authorizeBody(orderId, 'pm_card_visa', amount), provider: 'stripe' });
  const [row] = await rows<{ provider_ref: string }>(db, 'SELECT provider_ref FROM payments WHERE order_id = ?', [
    orderId,
  ]);
  expect(p.status).toBe('authorized');
  return { orderId, ref: row?.provider_ref as string };
}

describe('Stripe webhooks', () => {
  it('a released authorization (payment_intent.canceled) voids the payment once; a redelivery changes nothing', async () => {
    const { orderId, ref } = await stripeOrder();
    const body = stripeEvent(`evt_cancel_${orderId}`, 'payment_intent.canceled', { id: ref, object: 'payment_intent' });
    const secret = stack.secrets['stripe-webhook-secret'] as string;
    const first = await deliver('stripe', body, { 'stripe-signature': stripeSignature(body, secret) });
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toEqual({ received: 1, applied: 1, duplicates: 0 });
    expect(await client.get(orderId)).toMatchObject({ status: 'voided' });
    expect(await client.reconcile(orderId)).toMatchObject({ authorized: 3000, voided: 3000, held: 0, balanced: true });
    const again = await deliver('stripe', body, { 'stripe-signature': stripeSignature(body, secret) });
    expect(JSON.parse(again.text)).toEqual({ received: 1, applied: 0, duplicates: 1 });
    expect((await journals(db, orderId)).map((j) => [j.kind, Number(j.postings)])).toEqual([
      ['authorize', 2],
      ['void', 2],
    ]);
  });

  it('10 concurrent deliveries of one capture event: recorded once, captured once, one capture journal', async () => {
    const { orderId, ref } = await stripeOrder(1200);
    const body = stripeEvent(`evt_succeeded_${orderId}`, 'payment_intent.succeeded', {
      id: ref,
      object: 'payment_intent',
    });
    const secret = stack.secrets['stripe-webhook-secret'] as string;
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => deliver('stripe', body, { 'stripe-signature': stripeSignature(body, secret) })),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const receipts = answers.map((a) => JSON.parse(a.text) as { applied: number; duplicates: number });
    expect(receipts.reduce((s, r) => s + r.applied, 0)).toBe(1);
    expect(receipts.reduce((s, r) => s + r.duplicates, 0)).toBe(9);
    expect(await client.get(orderId)).toMatchObject({ status: 'captured', captured: 1200 });
    expect((await journals(db, orderId)).find((j) => j.kind === 'capture')).toMatchObject({ postings: 2 });
    // Our own capture afterwards answers the payment and books nothing more (same journal key).
    expect(await client.capture(orderId)).toMatchObject({ status: 'captured' });
    expect(await client.reconcile(orderId)).toMatchObject({ captured: 1200, held: 0, balanced: true });
  });

  it('refuses a bad signature, a tampered body, an old timestamp and no signature with 400, recording nothing', async () => {
    const secret = stack.secrets['stripe-webhook-secret'] as string;
    const body = stripeEvent('evt_forged_1', 'payment_intent.canceled', { id: 'pi_x', object: 'payment_intent' });
    const cases = [
      { 'stripe-signature': stripeSignature(body, 'whsec_not_ours') },
      { 'stripe-signature': stripeSignature(body.replace('pi_x', 'pi_y'), secret) },
      { 'stripe-signature': stripeSignature(body, secret, Math.floor(Date.now() / 1000) - 301) },
      {},
    ];
    for (const headers of cases) {
      const a = await deliver('stripe', body, headers);
      expect(a.status).toBe(400);
      expect(a.type).toContain('application/problem+json');
      expect(JSON.parse(a.text)).toMatchObject({ code: 'WEBHOOK.INVALID_SIGNATURE' });
      expect(a.text).not.toContain('whsec');
    }
    expect(await recorded('stripe', 'evt_forged_1')).toHaveLength(0);
  });

  it('through the gateway: relayed with its signature; a bad one is 400, an unknown provider 404', async () => {
    const secret = stack.secrets['stripe-webhook-secret'] as string;
    const body = stripeEvent('evt_gateway_1', 'charge.updated', { id: 'ch_1', object: 'charge' }, false);
    const ok = await deliver('stripe', body, { 'stripe-signature': stripeSignature(body, secret) }, 'gateway');
    expect(ok.status).toBe(200);
    expect(await recorded('stripe', 'evt_gateway_1')).toEqual([{ outcome: 'ignored' }]);
    const bad = await deliver('stripe', body, { 'stripe-signature': stripeSignature(body, 'whsec_x') }, 'gateway');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text)).toMatchObject({ code: 'WEBHOOK.INVALID_SIGNATURE' });
    const unknown = await deliver('square', body, {}, 'gateway');
    expect(unknown.status).toBe(404);
    expect(unknown.type).toContain('application/problem+json');
  });
});

describe('Adyen webhooks (HMAC per item)', () => {
  const item = (psp: string, eventCode: string) => ({
    pspReference: psp,
    merchantAccountCode: 'DBcartsECOM',
    merchantReference: newOrderId(),
    amount: { value: 1500, currency: 'EUR' },
    eventCode,
    success: 'true' as const,
  });

  it('accepts signed items with [accepted], records each once, and refuses a wrong key or an unsigned item', async () => {
    const key = stack.secrets['adyen-hmac-key'] as string;
    const body = adyenNotification([
      adyenSigned(item('PSP0001', 'AUTHORISATION'), key),
      adyenSigned(item('PSP0002', 'REFUND'), key),
    ]);
    for (const via of ['payments', 'gateway']) {
      const a = await deliver('adyen', body, {}, via);
      expect(a.status).toBe(200);
      expect(a.text).toBe('[accepted]');
    }
    expect(await recorded('adyen', 'PSP0001:AUTHORISATION:true')).toHaveLength(1);
    expect(await recorded('adyen', 'PSP0002:REFUND:true')).toHaveLength(1);
    const wrongKey = adyenNotification([adyenSigned(item('PSP0003', 'CAPTURE'), 'AB'.repeat(32))]);
    expect((await deliver('adyen', wrongKey, {})).status).toBe(400);
    const unsigned = adyenNotification([adyenSigned(item('PSP0004', 'CAPTURE'), key), item('PSP0005', 'CAPTURE')]);
    expect((await deliver('adyen', unsigned, {})).status).toBe(400);
    expect(await recorded('adyen', 'PSP0004:CAPTURE:true')).toHaveLength(0);
  });
});

describe('PayPal webhooks (certificate signature over the CRC32 of the raw body)', () => {
  const event = (id: string) =>
    JSON.stringify({ id, event_version: '1.0', event_type: 'CHECKOUT.ORDER.APPROVED', resource: { id: 'ORDER-1' } });

  it('accepts a signed event once, refuses a tampered body and a certificate from anywhere but PayPal', async () => {
    const body = event('WH-DBCARTS-1');
    const headers = paypal.headers(body, PAYPAL_WEBHOOK_ID);
    const first = await deliver('paypal', body, headers);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ received: 1, duplicates: 0 });
    const again = await deliver('paypal', body, paypal.headers(body, PAYPAL_WEBHOOK_ID), 'gateway');
    expect(again.status).toBe(200);
    expect(JSON.parse(again.text)).toMatchObject({ duplicates: 1 });
    const tampered = await deliver('paypal', body.replace('ORDER-1', 'ORDER-2'), headers);
    expect(tampered.status).toBe(400);
    const elsewhere = { ...headers, 'paypal-cert-url': 'https://evil.example/cert.pem' };
    expect((await deliver('paypal', body, elsewhere)).status).toBe(400);
    const otherHook = paypal.headers(event('WH-DBCARTS-2'), 'WH-SOMEONE-ELSE');
    expect((await deliver('paypal', event('WH-DBCARTS-2'), otherHook)).status).toBe(400);
    expect(await recorded('paypal', 'WH-DBCARTS-2')).toHaveLength(0);
  });
});
