import { createPaymentsClient } from '@dbcarts/payments/client';
import { startStack, type TestStack } from '@dbcarts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authorizeBody,
  journals,
  newOrderId,
  openDb,
  paymentsApi,
  providerCalls,
  rows,
  runReconcile,
} from './payments.support';

// Every payment invariant hammered concurrently on TWO payments instances (each with its sidecar)
// sharing one database: the in-process single-flight cannot help across instances, so what holds
// here is held by the database (keys, conditional claims, the CHECK constraint). Checked on the
// stored rows, not only on the answers.
let stack: TestStack;
let call: ReturnType<typeof paymentsApi>;
let db: Awaited<ReturnType<typeof openDb>>;

beforeAll(async () => {
  stack = await startStack({
    apps: ['payments'],
    replicas: { payments: 2 },
    appEnv: { payments: { PAYMENT_PROVIDER_TIMEOUT_MS: '400' } },
  });
  call = paymentsApi(stack);
  db = await openDb(stack);
});
afterAll(async () => {
  await db?.end();
  await stack?.stop();
});

/** n calls at once, alternating between the two instances. */
const spread = <T>(n: number, fn: (i: number, instance: number) => Promise<T>) =>
  Promise.all(Array.from({ length: n }, (_, i) => fn(i, i % 2)));

const count = (xs: { status: number }[], status: number) => xs.filter((x) => x.status === status).length;

describe('payments under concurrency (two instances, one database)', () => {
  it('one authorization per order: 20 identical authorize calls → one payment, one provider call, one journal', async () => {
    const orderId = newOrderId();
    const answers = await spread(20, (_i, inst) => call('POST', '/payments', authorizeBody(orderId), undefined, inst));
    expect(count(answers, 201)).toBe(1);
    expect(count(answers, 200)).toBe(19);
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    expect(await rows(db, 'SELECT order_id FROM payments WHERE order_id = ?', [orderId])).toHaveLength(1);
    expect(await providerCalls(db, `${orderId}:authorize`)).toBe(1);
    expect((await journals(db, orderId)).map((j) => [j.kind, Number(j.postings)])).toEqual([['authorize', 2]]);
  });

  it('the same through Dapr invocation: 20 concurrent client calls → one authorization', async () => {
    const client = createPaymentsClient(stack.sidecar('payments'));
    const orderId = newOrderId();
    const answers = await Promise.all(Array.from({ length: 20 }, () => client.authorize(authorizeBody(orderId))));
    expect(answers.every((a) => a.status === 'authorized')).toBe(true);
    expect(await providerCalls(db, `${orderId}:authorize`)).toBe(1);
    expect(await client.reconcile(orderId)).toMatchObject({ authorized: 5000, held: 5000, balanced: true });
  });

  it('one capture per order: 20 concurrent captures → one provider capture, one capture journal', async () => {
    const orderId = newOrderId();
    await call('POST', '/payments', authorizeBody(orderId, 'tok_visa', 2500));
    const answers = await spread(20, (_i, inst) => call('POST', `/payments/${orderId}/capture`, undefined, inst));
    expect(count(answers, 200)).toBe(20);
    expect(answers.every((a) => a.body.status === 'captured' && a.body.captured === 2500)).toBe(true);
    expect(await providerCalls(db, `${orderId}:capture`)).toBe(1);
    expect((await journals(db, orderId)).map((j) => [j.kind, Number(j.postings), Number(j.debit)])).toEqual([
      ['authorize', 2, 2500],
      ['capture', 2, 2500],
    ]);
  });

  it('capture and void racing on one authorization: exactly one of them happens', async () => {
    for (let round = 0; round < 5; round++) {
      const orderId = newOrderId();
      await call('POST', '/payments', authorizeBody(orderId, 'tok_visa', 800));
      const answers = await spread(20, (i, inst) =>
        call('POST', `/payments/${orderId}/${i % 4 < 2 ? 'capture' : 'void'}`, undefined, inst),
      );
      const [p] = await rows<{ status: string }>(db, 'SELECT status FROM payments WHERE order_id = ?', [orderId]);
      const won = p?.status === 'captured' ? 'capture' : 'void';
      expect(['captured', 'voided']).toContain(p?.status);
      expect(await providerCalls(db, `${orderId}:${won}`)).toBe(1);
      expect(await providerCalls(db, `${orderId}:${won === 'capture' ? 'void' : 'capture'}`)).toBe(0);
      expect(count(answers, 200)).toBe(10); // the winner's side all answer the payment
      expect(count(answers, 409)).toBe(10); // the loser's side is an illegal move now
      const ledger = (await call('GET', `/ledger/${orderId}`)).body;
      expect(ledger).toMatchObject({ authorized: 800, held: 0, balanced: true });
    }
  });

  it('refunds never exceed the capture: 30 concurrent refunds of 100 against 1,000 captured → exactly 10', async () => {
    const orderId = newOrderId();
    await call('POST', '/payments', authorizeBody(orderId, 'tok_visa', 1000));
    await call('POST', `/payments/${orderId}/capture`);
    const answers = await spread(30, (i, inst) =>
      call('POST', `/payments/${orderId}/refunds`, { refundId: `r-${i}`, amount: 100 }, undefined, inst),
    );
    expect(count(answers, 201)).toBe(10);
    expect(count(answers, 409)).toBe(20);
    const [p] = await rows<{ status: string; refunded: string; refund_reserved: string }>(
      db,
      'SELECT status, refunded, refund_reserved FROM payments WHERE order_id = ?',
      [orderId],
    );
    expect(p).toMatchObject({ status: 'refunded' });
    expect([Number(p?.refunded), Number(p?.refund_reserved)]).toEqual([1000, 1000]);
    expect(await rows(db, "SELECT 1 FROM refunds WHERE order_id = ? AND status = 'succeeded'", [orderId])).toHaveLength(
      10,
    );
    expect((await call('GET', `/ledger/${orderId}`)).body).toMatchObject({
      captured: 1000,
      refunded: 1000,
      balanced: true,
    });
  });

  it('a refund id is applied once: 20 concurrent identical refunds → one provider refund, one journal', async () => {
    const orderId = newOrderId();
    await call('POST', '/payments', authorizeBody(orderId, 'tok_visa', 1000));
    await call('POST', `/payments/${orderId}/capture`);
    const answers = await spread(20, (_i, inst) =>
      call('POST', `/payments/${orderId}/refunds`, { refundId: 'return-1', amount: 400 }, undefined, inst),
    );
    expect(count(answers, 201)).toBe(1);
    expect(count(answers, 200)).toBe(19);
    expect(answers.every((a) => a.body.refunded === 400)).toBe(true);
    expect(await providerCalls(db, `${orderId}:refund:return-1`)).toBe(1);
    expect((await journals(db, orderId)).find((j) => j.kind === 'refund')).toMatchObject({ postings: 2 });
  });

  it('a payments instance killed mid-authorization: the void takes the step over and releases it', async () => {
    const orderId = newOrderId();
    const lost = call('POST', '/payments', authorizeBody(orderId, 'tok_timeout'), undefined, 0).catch((e) => e);
    await new Promise((r) => setTimeout(r, 150));
    const restart = stack.restartApp('payments', 'crash', 0);
    await lost;
    // The dead caller's lease (provider timeout + 2 s) outlives one request's wait: the void answers
    // 503 PAYMENT.IN_PROGRESS until it has run out, then takes the step over. Retried as orders does.
    const t0 = Date.now();
    let voided = await call('POST', `/payments/${orderId}/void`, undefined, 1);
    const busy: string[] = [];
    while (voided.status === 503 && Date.now() - t0 < 10_000) {
      busy.push(String(voided.body.code));
      voided = await call('POST', `/payments/${orderId}/void`, undefined, 1);
    }
    expect(voided.status).toBe(404); // no authorization on the books: the client answers null
    expect(new Set(busy)).toEqual(new Set(busy.length ? ['PAYMENT.IN_PROGRESS'] : []));
    expect(Date.now() - t0).toBeLessThan(6_000); // done once the lease ran out, not later
    const [p] = await rows<{ status: string }>(db, 'SELECT status FROM payments WHERE order_id = ?', [orderId]);
    expect(p?.status).toBe('cancelled');
    // The crashed call is visible as a call without an outcome; the release went out once.
    expect(
      await rows(db, 'SELECT 1 FROM provider_calls WHERE idempotency_key = ? AND outcome IS NULL', [
        `${orderId}:authorize`,
      ]),
    ).toHaveLength(1);
    expect(await providerCalls(db, `${orderId}:void`)).toBe(1);
    await restart;
  });

  it('50 orders paid at once, then the reconciliation command: every order balanced, exit 0', async () => {
    const ids = Array.from({ length: 50 }, newOrderId);
    await spread(50, async (i, inst) => {
      const orderId = ids[i] as string;
      await call('POST', '/payments', authorizeBody(orderId, 'tok_visa', 100 + i), undefined, inst);
      if (i % 3 === 0) await call('POST', `/payments/${orderId}/void`, undefined, 1 - inst);
      else await call('POST', `/payments/${orderId}/capture`, undefined, 1 - inst);
    });
    const run = await runReconcile(stack);
    expect(run.out).not.toMatch(/UNBALANCED|UNRESOLVED/);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.out.trim().split('\n').pop() as string);
    expect(summary.unbalanced).toBe(0);
    expect(summary.orders).toBeGreaterThanOrEqual(50);
  });
});
