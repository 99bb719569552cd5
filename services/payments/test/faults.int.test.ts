import { createPaymentsClient, type PaymentsClient } from '@dbcarts/payments/client';
import { startStack, type TestStack } from '@dbcarts/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeBody, newOrderId, openDb, paymentsApi, providerCalls, rows, runReconcile } from './payments.support';

// Events, the provider breaker and the reconciliation command. Events go through the pubsub-redis
// profile here (Redis Streams in the run's own Redis database), so the test can read what the outbox
// relay published, CloudEvent ids included; the payments code is the same as on RabbitMQ.
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
let stack: TestStack;
let client: PaymentsClient;
let call: ReturnType<typeof paymentsApi>;
let db: Awaited<ReturnType<typeof openDb>>;
let redis: Redis;

beforeAll(async () => {
  stack = await startStack({
    apps: ['payments'],
    profiles: ['pubsub-redis'],
    appEnv: {
      payments: {
        PAYMENT_PROVIDER_TIMEOUT_MS: '300',
        PAYMENT_BREAKER_FAILURES: '3',
        PAYMENT_BREAKER_HALF_OPEN_MS: '1500',
      },
    },
  });
  client = createPaymentsClient(stack.sidecar('payments'));
  call = paymentsApi(stack);
  db = await openDb(stack);
  redis = new Redis(`${REDIS_URL}/${stack.redisDb}`);
});
afterAll(async () => {
  redis?.disconnect();
  await db?.end();
  await stack?.stop();
});

interface CloudEvent {
  id: string;
  data: Record<string, unknown>;
}

/** CloudEvents on one topic's stream (Dapr's redis pub/sub: field `data` holds the envelope). */
async function published(topic: string): Promise<CloudEvent[]> {
  const entries = await redis.xrange(topic, '-', '+');
  return entries.flatMap(([, fields]) => {
    const at = fields.indexOf('data');
    return at >= 0 && fields[at + 1] ? [JSON.parse(fields[at + 1] as string) as CloudEvent] : [];
  });
}

async function eventually<T>(ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('payments events (transactional outbox)', () => {
  it('each step is announced once, with its step key as CloudEvent id and the figures after it', async () => {
    const orderId = newOrderId();
    await client.authorize(authorizeBody(orderId, 'tok_visa', 4200));
    await client.capture(orderId);
    await client.refund(orderId, { refundId: 'ret-7', amount: 200 });
    const other = newOrderId();
    await client.authorize(authorizeBody(other, 'tok_visa', 10));
    await client.void(other);
    const expected: [string, string, Record<string, unknown>][] = [
      ['payments.authorized', `payments:${orderId}:authorize`, { status: 'authorized', captured: 0 }],
      ['payments.captured', `payments:${orderId}:capture`, { status: 'captured', captured: 4200 }],
      [
        'payments.refunded',
        `payments:${orderId}:refund:ret-7`,
        { refundId: 'ret-7', refundAmount: 200, refunded: 200 },
      ],
      ['payments.voided', `payments:${other}:void`, { status: 'voided', orderId: other }],
    ];
    for (const [topic, id, data] of expected) {
      const event = await eventually(3000, async () => (await published(topic)).find((e) => e.id === id));
      expect(event).toMatchObject({ data: { ...data, provider: 'test', customerId: 'cust-1' } });
    }
    // Published rows leave the outbox; none of them was published twice.
    await eventually(3000, async () => {
      const [r] = await rows<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM outbox');
      return Number(r?.n) === 0 ? true : undefined;
    });
    const ids = (await published('payments.authorized')).map((e) => e.id);
    expect(ids.filter((id) => id === `payments:${orderId}:authorize`)).toHaveLength(1);
  });
});

describe('payments provider breaker', () => {
  it('opens after consecutive timeouts: fast 503s that hold nothing, then recovers', async () => {
    const timedOut = [newOrderId(), newOrderId(), newOrderId()];
    for (const id of timedOut) {
      const a = await call('POST', '/payments', authorizeBody(id, 'tok_timeout'));
      expect(a.status).toBe(503);
      expect(a.body.code).toBe('PAYMENT.UNAVAILABLE');
      const orderId = String((a.body as { orderId?: string }).orderId ?? '');
      expect(orderId).toBe(''); // the problem names no internals
    }
    const open = newOrderId();
    const fast = await call('POST', '/payments', authorizeBody(open, 'tok_visa'));
    expect(fast.status).toBe(503);
    expect(fast.body.code).toBe('PAYMENT.UNAVAILABLE');
    expect(fast.ms).toBeLessThan(150); // no provider call waited for
    const [p] = await rows<{ status: string; provider_reached: number }>(
      db,
      'SELECT status, provider_reached FROM payments WHERE order_id = ?',
      [open],
    );
    expect(p).toMatchObject({ status: 'failed', provider_reached: 0 });
    // Nothing can be held: the void ends it without asking the provider.
    expect(await client.void(open)).toBeNull();
    expect(await providerCalls(db, `${open}:void`)).toBe(0);

    await new Promise((r) => setTimeout(r, 1600));
    const recovered = await call('POST', '/payments', authorizeBody(newOrderId(), 'tok_visa'));
    expect(recovered.status).toBe(201);
    for (const id of timedOut) expect(await client.void(id)).toBeNull(); // as the orders saga compensates
  });

  it('a retry after an open breaker authorizes with the same provider key, once', async () => {
    const orderId = newOrderId();
    const timedOut = [newOrderId(), newOrderId(), newOrderId()];
    for (const id of timedOut) await call('POST', '/payments', authorizeBody(id, 'tok_timeout'));
    expect((await call('POST', '/payments', authorizeBody(orderId))).status).toBe(503);
    await new Promise((r) => setTimeout(r, 1600));
    expect((await call('POST', '/payments', authorizeBody(orderId))).status).toBe(201);
    expect((await call('POST', '/payments', authorizeBody(orderId))).status).toBe(200);
    expect(await client.reconcile(orderId)).toMatchObject({ authorized: 5000, held: 5000, balanced: true });
    for (const id of timedOut) expect(await client.void(id)).toBeNull();
  });
});

describe('reconciliation command', () => {
  it('flags an authorization that never answered and was never released (exit 2), and clears once voided', async () => {
    const before = await runReconcile(stack);
    expect(before.code).toBe(0);
    const orderId = newOrderId();
    await new Promise((r) => setTimeout(r, 1600)); // the breaker of the previous test closes
    expect((await call('POST', '/payments', authorizeBody(orderId, 'tok_timeout'))).status).toBe(503);
    const open = await runReconcile(stack);
    expect(open.code).toBe(2);
    expect(open.out).toContain(`${orderId} EUR failed`);
    expect(open.out).toContain('UNRESOLVED');
    expect(await client.void(orderId)).toBeNull();
    expect((await runReconcile(stack)).code).toBe(0);
  });

  it('finds a ledger that does not balance (exit 1) and names the order; --order shows one', async () => {
    const orderId = newOrderId();
    await client.authorize(authorizeBody(orderId, 'tok_visa', 300));
    // Corrupt the books the way a bug would: a capture posting with no counter-posting.
    await db.query(
      `INSERT INTO ledger_entries (order_id, journal, kind, account, debit, credit, currency)
       VALUES (?, ?, 'capture', 'captured', 300, 0, 'EUR')`,
      [orderId, `${orderId}:capture`],
    );
    const run = await runReconcile(stack);
    expect(run.code).toBe(1);
    expect(run.out).toMatch(new RegExp(`${orderId} EUR authorized .*UNBALANCED`));
    expect(run.out).toContain(`journal ${orderId}:capture is unbalanced`);
    const one = await runReconcile(stack, ['--order', orderId]);
    expect(one.code).toBe(1);
    expect(one.out.split('\n').filter((l) => l.startsWith(orderId))).toHaveLength(1);
    expect((await client.reconcile(orderId)).balanced).toBe(false);
  });
});
