import { createPaymentsClient, type PaymentsClient } from '@dbcarts/payments/client';
import { startStack, type TestStack } from '@dbcarts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Answer,
  authorizeBody,
  journals,
  newOrderId,
  openDb,
  paymentsApi,
  providerCalls,
  rows,
} from './payments.support';

// The payments service on its real sidecar and its own MariaDB database, called the way orders calls
// it (the client, through Dapr service invocation) and directly as the sidecar would.
let stack: TestStack;
let client: PaymentsClient;
let call: ReturnType<typeof paymentsApi>;
let db: Awaited<ReturnType<typeof openDb>>;

beforeAll(async () => {
  stack = await startStack({ apps: ['payments'], appEnv: { payments: { PAYMENT_PROVIDER_TIMEOUT_MS: '400' } } });
  client = createPaymentsClient(stack.sidecar('payments'));
  call = paymentsApi(stack);
  db = await openDb(stack);
});
afterAll(async () => {
  await db?.end();
  await stack?.stop();
});

const problemOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return (e as { problem?: { status: number; code: string } }).problem;
  }
  throw new Error('expected a problem');
};

describe('payments: the life of a payment', () => {
  it('authorize → capture → partial and full refund, each booked as one balanced journal', async () => {
    const orderId = newOrderId();
    const authorized = await client.authorize(authorizeBody(orderId, 'tok_visa', 5000));
    expect(authorized).toMatchObject({ orderId, provider: 'test', status: 'authorized', captured: 0, refunded: 0 });
    expect(authorized.amount).toEqual({ amount: 5000, currency: 'EUR' });
    expect(await client.reconcile(orderId)).toMatchObject({ authorized: 5000, held: 5000, balanced: true });

    expect(await client.capture(orderId)).toMatchObject({ status: 'captured', captured: 5000 });
    expect(await client.refund(orderId, { refundId: 'ret-1', amount: 1200 })).toMatchObject({
      status: 'partially_refunded',
      refunded: 1200,
    });
    expect(await client.refund(orderId, { refundId: 'ret-2', amount: 3800 })).toMatchObject({
      status: 'refunded',
      refunded: 5000,
    });
    expect(await client.get(orderId)).toMatchObject({ status: 'refunded', captured: 5000, refunded: 5000 });
    expect(await client.reconcile(orderId)).toEqual({
      orderId,
      currency: 'EUR',
      authorized: 5000,
      captured: 5000,
      voided: 0,
      refunded: 5000,
      held: 0,
      balanced: true,
    });
    const booked = await journals(db, orderId);
    expect(booked.map((j) => [j.kind, Number(j.postings), Number(j.debit), Number(j.credit)])).toEqual([
      ['authorize', 2, 5000, 5000],
      ['capture', 2, 5000, 5000],
      ['refund', 4, 5000, 5000],
    ]);
    // Each provider call carried its step's key, once.
    for (const step of ['authorize', 'capture', 'refund:ret-1', 'refund:ret-2']) {
      expect(await providerCalls(db, `${orderId}:${step}`)).toBe(1);
    }
  });

  it('replays answer the first outcome: authorize 201 then 200, same payment, no second provider call', async () => {
    const orderId = newOrderId();
    const first = await call('POST', '/payments', authorizeBody(orderId));
    const again = await call('POST', '/payments', authorizeBody(orderId));
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body).toEqual(first.body);
    await client.capture(orderId);
    expect(await client.capture(orderId)).toMatchObject({ status: 'captured' });
    expect(await providerCalls(db, `${orderId}:authorize`)).toBe(1);
    expect(await providerCalls(db, `${orderId}:capture`)).toBe(1);
  });

  it('void releases the hold; a later capture is refused with 409 and the ledger shows nothing held', async () => {
    const orderId = newOrderId();
    await client.authorize(authorizeBody(orderId, 'tok_visa', 999));
    expect(await client.void(orderId)).toMatchObject({ status: 'voided' });
    expect(await client.void(orderId)).toMatchObject({ status: 'voided' }); // a replay
    expect(await problemOf(client.capture(orderId))).toMatchObject({ status: 409, code: 'PAYMENT.INVALID_STATE' });
    expect(await problemOf(client.authorize(authorizeBody(orderId, 'tok_visa', 999)))).toMatchObject({
      status: 409,
      code: 'PAYMENT.INVALID_STATE',
    });
    expect(await client.reconcile(orderId)).toMatchObject({ authorized: 999, voided: 999, held: 0, balanced: true });
  });

  it('a declined card: 402 PAYMENT.DECLINED (also on replay), no payment, nothing held', async () => {
    const orderId = newOrderId();
    expect(await problemOf(client.authorize(authorizeBody(orderId, 'tok_chargeDeclined')))).toMatchObject({
      status: 402,
      code: 'PAYMENT.DECLINED',
    });
    expect(await problemOf(client.authorize(authorizeBody(orderId, 'tok_chargeDeclined')))).toMatchObject({
      status: 402,
      code: 'PAYMENT.DECLINED',
    });
    expect(await client.get(orderId)).toBeNull();
    expect(await client.void(orderId)).toBeNull();
    expect(await client.reconcile(orderId)).toMatchObject({ authorized: 0, held: 0, balanced: true });
    expect(await providerCalls(db, `${orderId}:authorize`)).toBe(1);
  });

  it('a provider that never answers: 503 PAYMENT.UNAVAILABLE after the timeout; the void makes sure nothing is held', async () => {
    const orderId = newOrderId();
    const t0 = Date.now();
    const problem = await problemOf(client.authorize(authorizeBody(orderId, 'tok_timeout')));
    expect(problem).toMatchObject({ status: 503, code: 'PAYMENT.UNAVAILABLE' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
    expect(await client.void(orderId)).toBeNull();
    const [p] = await rows<{ status: string }>(db, 'SELECT status FROM payments WHERE order_id = ?', [orderId]);
    expect(p?.status).toBe('cancelled');
    // The release went to the provider under the order's void key: whatever the lost call made is let go.
    expect(await providerCalls(db, `${orderId}:void`)).toBe(1);
    expect(await client.reconcile(orderId)).toMatchObject({ authorized: 0, held: 0, balanced: true });
    // After the release the order can never be authorized (nothing can be left holding money).
    expect(await problemOf(client.authorize(authorizeBody(orderId, 'tok_timeout')))).toMatchObject({ status: 409 });
  });

  it("calls naming the order's customer (as orders does) find its payment; another customer's name finds none", async () => {
    const orderId = newOrderId();
    await client.authorize(authorizeBody(orderId, 'tok_visa', 2000)); // customer cust-1
    expect(await client.get(orderId, 'cust-1')).toMatchObject({ status: 'authorized' });
    expect(await client.get(orderId, 'cust-2')).toBeNull();
    expect(await problemOf(client.capture(orderId, 'cust-2'))).toMatchObject({
      status: 404,
      code: 'PAYMENT.NOT_FOUND',
    });
    expect(await client.capture(orderId, 'cust-1')).toMatchObject({ status: 'captured', captured: 2000 });
    expect(await problemOf(client.refund(orderId, { refundId: 'x', amount: 1 }, 'cust-2'))).toMatchObject({
      status: 404,
    });
    expect(await client.refund(orderId, { refundId: 'r1', amount: 500 }, 'cust-1')).toMatchObject({ refunded: 500 });
    expect(await client.reconcile(orderId, 'cust-1')).toMatchObject({ captured: 2000, refunded: 500, balanced: true });
  });

  it('a void before any authorization leaves a tombstone: a late authorization is refused', async () => {
    const orderId = newOrderId();
    expect(await client.void(orderId)).toBeNull();
    expect(await problemOf(client.authorize(authorizeBody(orderId)))).toMatchObject({
      status: 409,
      code: 'PAYMENT.INVALID_STATE',
    });
    expect(await providerCalls(db, `${orderId}:authorize`)).toBe(0);
  });

  it('illegal moves answer 409: refund before capture, void after capture, refund above the capture', async () => {
    const orderId = newOrderId();
    await client.authorize(authorizeBody(orderId, 'tok_visa', 1000));
    expect(await problemOf(client.refund(orderId, { refundId: 'r1', amount: 10 }))).toMatchObject({ status: 409 });
    await client.capture(orderId);
    expect(await problemOf(client.void(orderId))).toMatchObject({ status: 409, code: 'PAYMENT.INVALID_STATE' });
    expect(await problemOf(client.refund(orderId, { refundId: 'r2', amount: 1001 }))).toMatchObject({
      status: 409,
      code: 'PAYMENT.INVALID_STATE',
    });
    expect(await problemOf(client.capture(newOrderId()))).toMatchObject({ status: 404, code: 'PAYMENT.NOT_FOUND' });
    expect(await client.reconcile(orderId)).toMatchObject({ captured: 1000, refunded: 0, balanced: true });
  });
});

describe('payments: bad input is a problem, never a 500', () => {
  const isProblem = (a: Answer, status: number, code: string) => {
    expect(a.status).toBe(status);
    expect(a.type).toContain('application/problem+json');
    expect(a.body.code).toBe(code);
    expect(JSON.stringify(a.body)).not.toMatch(/stack|sql|select |at .*\.js/i);
  };

  it('malformed ids, bodies and amounts', async () => {
    isProblem(await call('GET', '/payments/not-a-uuid'), 400, 'REQUEST.INVALID');
    isProblem(await call('POST', '/payments/not-a-uuid/capture'), 400, 'REQUEST.INVALID');
    isProblem(await call('GET', `/payments/${newOrderId()}?customerId=`), 400, 'REQUEST.INVALID');
    isProblem(await call('POST', `/payments/${newOrderId()}/capture?customer=c`), 400, 'REQUEST.INVALID');
    isProblem(
      await call('POST', '/payments', { ...authorizeBody(newOrderId()), amount: { amount: -1, currency: 'EUR' } }),
      400,
      'REQUEST.INVALID',
    );
    isProblem(
      await call('POST', '/payments', { ...authorizeBody(newOrderId()), provider: 'cash' }),
      400,
      'REQUEST.INVALID',
    );
    isProblem(await call('POST', '/payments', { ...authorizeBody(newOrderId()), extra: 1 }), 400, 'REQUEST.INVALID');
    isProblem(await call('POST', '/payments', '{"orderId":'), 400, 'REQUEST.MALFORMED_JSON');
    isProblem(
      await call('POST', `/payments/${newOrderId()}/refunds`, { refundId: 'a b', amount: 1 }),
      400,
      'REQUEST.INVALID',
    );
    isProblem(
      await call('POST', `/payments/${newOrderId()}/refunds`, { refundId: 'ok', amount: 0 }),
      400,
      'REQUEST.INVALID',
    );
  });

  it('the same order with another amount: 422 PAYMENT.REQUEST_MISMATCH; an unconfigured provider: 422', async () => {
    const orderId = newOrderId();
    expect((await call('POST', '/payments', authorizeBody(orderId, 'tok_visa', 100))).status).toBe(201);
    isProblem(
      await call('POST', '/payments', authorizeBody(orderId, 'tok_visa', 101)),
      422,
      'PAYMENT.REQUEST_MISMATCH',
    );
    isProblem(
      await call('POST', '/payments', { ...authorizeBody(newOrderId()), provider: 'adyen' }),
      422,
      'PAYMENT.PROVIDER_UNSUPPORTED',
    );
  });

  it('refuses calls that do not come through the sidecar (no app API token)', async () => {
    const res = await fetch(`${stack.appUrl('payments')}/payments/${newOrderId()}`);
    expect(res.status).toBe(404);
  });
});
