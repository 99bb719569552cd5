import { createPaymentsClient, type PaymentsClient } from '@dbcarts/payments/client';
import { startStack, type TestStack } from '@dbcarts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeBody, newOrderId, openDb, providerCalls, rows } from './payments.support';
import { ADYEN_ACCOUNT } from './support/adyen-standin';
import { PAYPAL_CLIENT } from './support/paypal-standin';
import { type ProviderStandIn, STANDIN_HOSTS, startProviderStandIn } from './support/provider-standin';
import { adyenNotification, adyenSigned, startPayPalSigner } from './support/webhook-signers';

// The PayPal and Adyen adapters (official SDKs) through the payments service on its sidecar, against
// local stand-ins that answer like the providers and check the request shape each SDK sends.
let standin: ProviderStandIn;
let signer: Awaited<ReturnType<typeof startPayPalSigner>>;
let stack: TestStack;
let client: PaymentsClient;
let db: Awaited<ReturnType<typeof openDb>>;
const WEBHOOK_ID = 'WH7DBCARTSPAYPAL';

beforeAll(async () => {
  [standin, signer] = await Promise.all([startProviderStandIn(), startPayPalSigner()]);
  stack = await startStack({
    apps: ['payments'],
    secrets: {
      'paypal-client-id': PAYPAL_CLIENT.id,
      'paypal-client-secret': PAYPAL_CLIENT.secret,
      'paypal-webhook-id': WEBHOOK_ID,
      'adyen-api-key': ADYEN_ACCOUNT.apiKey,
      'adyen-merchant-account': ADYEN_ACCOUNT.merchantAccount,
    },
    appEnv: {
      payments: {
        PAYMENT_EGRESS_PROXY: standin.proxyUrl,
        NODE_EXTRA_CA_CERTS: standin.caFile,
        PAYMENT_PROVIDER_TIMEOUT_MS: '2500',
        PAYPAL_WEBHOOK_CERT_ORIGIN: signer.origin,
      },
    },
  });
  client = createPaymentsClient(stack.sidecar('payments'));
  db = await openDb(stack);
}, 300_000);
afterAll(async () => {
  await db?.end();
  await stack?.stop();
  await Promise.all([standin?.stop(), signer?.stop()]);
});

const problemOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return (e as { problem?: { status: number; code: string } }).problem;
  }
  throw new Error('expected a problem');
};
const sent = (host: string, from: number) => standin.requests.slice(from).filter((r) => r.host === host);
const paypalBody = (orderId: string, token: string, amount: number) => ({
  ...authorizeBody(orderId, token, amount),
  provider: 'paypal' as const,
});
const adyenBody = (orderId: string, token: string, amount: number) => ({
  ...authorizeBody(orderId, token, amount),
  provider: 'adyen' as const,
});

describe('PayPal (Orders v2, server SDK) against the stand-in', () => {
  it('authorizes the approved order, captures it whole and refunds against the capture, each with its PayPal-Request-Id', async () => {
    const orderId = newOrderId();
    standin.paypal.approve('PP-ORDER-1', { currency_code: 'EUR', value: '25.99' });
    const from = standin.requests.length;
    expect(await client.authorize(paypalBody(orderId, 'PP-ORDER-1', 2599))).toMatchObject({ status: 'authorized' });
    expect(await client.capture(orderId)).toMatchObject({ status: 'captured', captured: 2599 });
    expect(await client.refund(orderId, { refundId: 'ret-1', amount: 599 })).toMatchObject({ refunded: 599 });
    const calls = sent(STANDIN_HOSTS.paypal, from).filter((r) => r.path !== '/v1/oauth2/token');
    expect(calls.map((r) => `${r.method} ${r.path.replace(/(AUTH|CAP)-\d+/, '$1')}`)).toEqual([
      'POST /v2/checkout/orders/PP-ORDER-1/authorize',
      'POST /v2/payments/authorizations/AUTH/capture',
      'POST /v2/payments/captures/CAP/refund',
    ]);
    expect(calls.map((r) => r.headers['paypal-request-id'])).toEqual([
      `${orderId}:authorize`,
      `${orderId}:capture`,
      `${orderId}:refund:ret-1`,
    ]);
    expect(calls[1]?.body).toMatchObject({ amount: { currency_code: 'EUR', value: '25.99' }, final_capture: true });
    expect(calls[2]?.body).toMatchObject({ amount: { currency_code: 'EUR', value: '5.99' } });
    expect(await client.reconcile(orderId)).toMatchObject({ captured: 2599, refunded: 599, held: 0, balanced: true });
  });

  it('an approved order for another amount is declined and its authorization voided at once (nothing held)', async () => {
    standin.paypal.approve('PP-ORDER-2', { currency_code: 'EUR', value: '10.00' });
    const problem = await problemOf(client.authorize(paypalBody(newOrderId(), 'PP-ORDER-2', 2599)));
    expect(problem).toMatchObject({ status: 402, code: 'PAYMENT.DECLINED' });
    const auths = standin.paypal.authorizations().filter((a) => a.orderId === 'PP-ORDER-2');
    expect(auths.map((a) => a.status)).toEqual(['VOIDED']);
  });

  it('a declined instrument is 402 and holds nothing', async () => {
    standin.paypal.approve('PP-ORDER-3', { currency_code: 'EUR', value: '12.00' }, 'declined');
    const orderId = newOrderId();
    expect(await problemOf(client.authorize(paypalBody(orderId, 'PP-ORDER-3', 1200)))).toMatchObject({ status: 402 });
    expect(await client.void(orderId)).toBeNull();
    expect(standin.paypal.held().filter((a) => a.orderId === 'PP-ORDER-3')).toHaveLength(0);
  });

  it('an authorization whose answer never comes: 503, then the void finds it on the order and releases it', async () => {
    standin.paypal.approve('PP-ORDER-4', { currency_code: 'EUR', value: '40.00' }, 'hang');
    const orderId = newOrderId();
    expect(await problemOf(client.authorize(paypalBody(orderId, 'PP-ORDER-4', 4000)))).toMatchObject({
      status: 503,
      code: 'PAYMENT.UNAVAILABLE',
    });
    expect(standin.paypal.held().filter((a) => a.orderId === 'PP-ORDER-4')).toHaveLength(1); // PayPal did authorize
    expect(await client.void(orderId)).toBeNull();
    expect(standin.paypal.held().filter((a) => a.orderId === 'PP-ORDER-4')).toHaveLength(0);
    expect(await client.reconcile(orderId)).toMatchObject({ authorized: 0, held: 0, balanced: true });
  });

  it('a PayPal PAYMENT.AUTHORIZATION.VOIDED webhook (expired hold) voids the payment and books it', async () => {
    standin.paypal.approve('PP-ORDER-5', { currency_code: 'EUR', value: '7.50' });
    const orderId = newOrderId();
    await client.authorize(paypalBody(orderId, 'PP-ORDER-5', 750));
    const [row] = await rows<{ provider_ref: string }>(db, 'SELECT provider_ref FROM payments WHERE order_id = ?', [
      orderId,
    ]);
    const body = JSON.stringify({
      id: `WH-EXPIRED-${orderId}`,
      event_type: 'PAYMENT.AUTHORIZATION.VOIDED',
      resource: { id: row?.provider_ref, status: 'VOIDED' },
    });
    const res = await fetch(`${stack.appUrl('payments')}/webhooks/paypal`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...stack.sidecarHeaders, ...signer.headers(body, WEBHOOK_ID) },
      body,
    });
    expect(res.status).toBe(200);
    expect(await client.get(orderId)).toMatchObject({ status: 'voided' });
    expect(await client.reconcile(orderId)).toMatchObject({ authorized: 750, voided: 750, held: 0, balanced: true });
  });
});

describe('Adyen (Checkout API, official library) against the stand-in', () => {
  it('authorizes card-on-file with manual capture, captures and refunds by PSP reference, each with its Idempotency-Key', async () => {
    const orderId = newOrderId();
    const from = standin.requests.length;
    expect(await client.authorize(adyenBody(orderId, 'ADYEN-OK', 3150))).toMatchObject({ status: 'authorized' });
    expect(await client.capture(orderId)).toMatchObject({ status: 'captured' });
    expect(await client.refund(orderId, { refundId: 'r-9', amount: 150 })).toMatchObject({ refunded: 150 });
    const calls = sent(STANDIN_HOSTS.adyen, from);
    expect(calls.map((r) => r.path.replace(/PSP\d+/, 'PSP'))).toEqual([
      expect.stringMatching(/^\/v\d+\/payments$/),
      expect.stringMatching(/^\/v\d+\/payments\/PSP\/captures$/),
      expect.stringMatching(/^\/v\d+\/payments\/PSP\/refunds$/),
    ]);
    expect(calls.map((r) => r.headers['idempotency-key'])).toEqual([
      `${orderId}:authorize`,
      `${orderId}:capture`,
      `${orderId}:refund:r-9`,
    ]);
    expect(calls[0]?.body).toMatchObject({ reference: orderId, amount: { value: 3150, currency: 'EUR' } });
    expect(await client.reconcile(orderId)).toMatchObject({ captured: 3150, refunded: 150, balanced: true });
  });

  it('a refused card is 402, nothing held', async () => {
    const orderId = newOrderId();
    expect(await problemOf(client.authorize(adyenBody(orderId, 'ADYEN-REFUSED', 900)))).toMatchObject({ status: 402 });
    expect(standin.adyen.held().filter((p) => p.reference === orderId)).toHaveLength(0);
  });

  it('an authorization whose answer never comes: 503, then the void cancels it by merchant reference (technical cancel)', async () => {
    const orderId = newOrderId();
    expect(await problemOf(client.authorize(adyenBody(orderId, 'ADYEN-SLOW', 5000)))).toMatchObject({ status: 503 });
    expect(standin.adyen.held().filter((p) => p.reference === orderId)).toHaveLength(1);
    const from = standin.requests.length;
    expect(await client.void(orderId)).toBeNull();
    const cancel = sent(STANDIN_HOSTS.adyen, from)[0];
    expect(cancel?.path).toMatch(/^\/v\d+\/cancels$/);
    expect(cancel?.body).toMatchObject({ paymentReference: orderId, merchantAccount: ADYEN_ACCOUNT.merchantAccount });
    expect(standin.adyen.held().filter((p) => p.reference === orderId)).toHaveLength(0);
    expect(await providerCalls(db, `${orderId}:void`)).toBe(1);
  });

  it('an Adyen CAPTURE webhook for a capture whose answer we lost books the capture once', async () => {
    const orderId = newOrderId();
    await client.authorize(adyenBody(orderId, 'ADYEN-OK', 2200));
    const [row] = await rows<{ provider_ref: string }>(db, 'SELECT provider_ref FROM payments WHERE order_id = ?', [
      orderId,
    ]);
    const key = stack.secrets['adyen-hmac-key'] as string;
    const item = adyenSigned(
      {
        pspReference: `CAPT-${orderId.slice(0, 8)}`,
        originalReference: row?.provider_ref,
        merchantAccountCode: ADYEN_ACCOUNT.merchantAccount,
        merchantReference: orderId,
        amount: { value: 2200, currency: 'EUR' },
        eventCode: 'CAPTURE',
        success: 'true',
      },
      key,
    );
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${stack.appUrl('payments')}/webhooks/adyen`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...stack.sidecarHeaders },
        body: adyenNotification([item]),
      });
      expect(await res.text()).toBe('[accepted]');
    }
    expect(await client.get(orderId)).toMatchObject({ status: 'captured', captured: 2200 });
    expect(await client.reconcile(orderId)).toMatchObject({ captured: 2200, held: 0, balanced: true });
  });
});
