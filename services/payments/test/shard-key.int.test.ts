import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditStatement, captureSql, OutboxRelay, type StatementAudit, shardedTablesOf } from '@dbcarts/db';
import mysql from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthorizePaymentUseCase } from '../src/app/authorize-payment.use-case';
import { CapturePaymentUseCase } from '../src/app/capture-payment.use-case';
import { HandleWebhookUseCase } from '../src/app/handle-webhook.use-case';
import type { PaymentProvidersPort } from '../src/app/ports/payment-provider.port';
import type { WebhookVerifiersPort } from '../src/app/ports/webhook.port';
import { QueryPaymentsUseCase } from '../src/app/query-payments.use-case';
import { RefundPaymentUseCase } from '../src/app/refund-payment.use-case';
import { VoidPaymentUseCase } from '../src/app/void-payment.use-case';
import type { ProviderNotice } from '../src/domain/provider-notice';
import { TestPaymentProvider } from '../src/infra/providers/test-provider';
import { createPaymentsDataSource } from '../src/infra/typeorm/data-source';
import { CreatePayments1765100000000 } from '../src/infra/typeorm/migrations/1765100000000-create-payments';
import { Outbox1765100000001 } from '../src/infra/typeorm/migrations/1765100000001-outbox';
import { WebhookEvents1765100000002 } from '../src/infra/typeorm/migrations/1765100000002-webhook-events';
import { CaptureRef1765100000003 } from '../src/infra/typeorm/migrations/1765100000003-capture-ref';
import { OutboxTraceparent1765100000004 } from '../src/infra/typeorm/migrations/1765100000004-outbox-traceparent';
import { BROADCAST } from '../src/infra/typeorm/payment.rows';
import { TypeormLedger } from '../src/infra/typeorm/typeorm-ledger';
import { TypeormPaymentRepository } from '../src/infra/typeorm/typeorm-payment.repository';
import { TypeormWebhookRepository } from '../src/infra/typeorm/typeorm-webhook.repository';

// Issue 13: through ShardingSphere-Proxy (deploy/k8s/sharding/config-sharding-payments.yaml) every
// statement on a table sharded by customer_id must name it. This runs payments' use cases and
// repositories against a real MariaDB (authorize, replay, decline, capture, refunds, void, a void
// with no payment, webhooks applied / redelivered / unknown, reads, the reconciliation's ledger walk,
// the outbox relay), captures every statement (the TypeORM logger's hook) and audits each: DML names
// customer_id (INSERT in its columns); a read names it or carries an allowed `/* broadcast: <reason> */`.

const SERVER = process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306';
const DB = `dbcarts_t_pshardkey_${randomBytes(4).toString('hex')}`;
const SHARDED = shardedTablesOf(
  readFileSync(join(__dirname, '..', '..', '..', 'deploy', 'k8s', 'sharding', 'config-sharding-payments.yaml'), 'utf8'),
);

/** Every read that may visit every shard, and why (the proxy scatters it and merges). */
const BROADCAST_READS = new Set([
  // orders' calls (authorize replay, capture, void, refund), GET /payments/{orderId}, GET /ledger/{orderId}
  // name the order only: the payment row is found once, every write after it is keyed by its customer.
  'the payments API addresses a payment by order id',
  "a webhook names the provider's reference only", // (provider, provider_ref), indexed
  'reconciliation walks every shard', // the batch: payment pages, their ledger lines, orphaned lines
  'outbox relay polls and counts every shard', // the relay's poll and its shutdown count
  'outbox backlog metrics count every shard', // outbox_backlog / outbox_oldest_age_seconds
]);

let ds: DataSource;
let admin: mysql.Connection;

beforeAll(async () => {
  admin = await mysql.createConnection(SERVER);
  await admin.query(`CREATE DATABASE \`${DB}\``);
  await admin.changeUser({ database: DB });
});
afterAll(async () => {
  await ds?.destroy();
  await admin?.query(`DROP DATABASE IF EXISTS \`${DB}\``);
  await admin?.end();
});

describe('payments: the shard key', () => {
  it('the migration adds customer_id to a database made by the previous ones and backfills its rows', async () => {
    const before = new DataSource({
      type: 'mysql',
      url: `${SERVER}/${DB}`,
      migrations: [
        CreatePayments1765100000000,
        Outbox1765100000001,
        WebhookEvents1765100000002,
        CaptureRef1765100000003,
        OutboxTraceparent1765100000004,
      ],
      migrationsTableName: 'payments_migrations',
    });
    await before.initialize();
    await before.runMigrations();
    await before.destroy();
    // A captured and partly refunded payment as the previous release wrote it.
    const id = randomUUID();
    await admin.query(
      `INSERT INTO payments (order_id, customer_id, provider, currency, amount, request_hash, status, provider_ref,
         captured, refunded, refund_reserved)
       VALUES (?, 'old-cust', 'test', 'EUR', 1000, 'h', 'partially_refunded', 'ref-old', 1000, 100, 100)`,
      [id],
    );
    await admin.query(
      `INSERT INTO ledger_entries (order_id, journal, kind, account, debit, credit, currency)
       VALUES (?, 'j1', 'capture', 'customer', 1000, 0, 'EUR'), (?, 'j1', 'capture', 'captured', 0, 1000, 'EUR')`,
      [id, id],
    );
    await admin.query(
      "INSERT INTO refunds (order_id, refund_id, amount, status) VALUES (?, 'r-old', 100, 'succeeded')",
      [id],
    );
    await admin.query(
      "INSERT INTO provider_calls (order_id, provider, idempotency_key, attempt) VALUES (?, 'test', 'k', 1)",
      [id],
    );
    await admin.query(
      "INSERT INTO webhook_events (provider, event_id, type, order_id, outcome) VALUES ('test', 'e-old', 't', ?, 'applied'), ('test', 'e-none', 't', NULL, 'ignored')",
      [id],
    );
    await admin.query(
      "INSERT INTO outbox (event_id, pubsub, topic, payload) VALUES ('old-e1', 'pubsub', 'payments.refunded', ?)",
      [JSON.stringify({ orderId: id, customerId: 'old-cust' })],
    );

    ds = createPaymentsDataSource(`${SERVER}/${DB}`);
    await ds.initialize();
    const ran = await ds.runMigrations({ transaction: 'each' });
    expect(ran.map((m) => m.name)).toEqual(['ShardKey1765100000005']);
    for (const table of ['ledger_entries', 'refunds', 'provider_calls']) {
      const [rows] = await admin.query(`SELECT DISTINCT customer_id FROM ${table} WHERE order_id = ?`, [id]);
      expect(rows, table).toEqual([{ customer_id: 'old-cust' }]);
    }
    const [hooks] = await admin.query('SELECT event_id, customer_id FROM webhook_events ORDER BY event_id');
    expect(hooks).toEqual([
      { event_id: 'e-none', customer_id: '' }, // matched no payment: stays on the '' key
      { event_id: 'e-old', customer_id: 'old-cust' },
    ]);
    const [outbox] = await admin.query('SELECT customer_id FROM outbox');
    expect(outbox).toEqual([{ customer_id: 'old-cust' }]);
    // The previous release, still running beside the new one, inserts without the column: the rows take the key.
    await admin.query(
      "INSERT INTO provider_calls (order_id, provider, idempotency_key, attempt) VALUES (?, 'test', 'k2', 2)",
      [id],
    );
    await admin.query("INSERT INTO refunds (order_id, refund_id, amount, status) VALUES (?, 'r-old2', 50, 'pending')", [
      id,
    ]);
    await admin.query(
      "INSERT INTO outbox (event_id, pubsub, topic, payload) VALUES ('old-e2', 'pubsub', 'payments.refunded', ?)",
      [JSON.stringify({ orderId: id, customerId: 'old-cust' })],
    );
    const [late] = await admin.query(
      `SELECT (SELECT customer_id FROM provider_calls WHERE idempotency_key = 'k2') AS calls,
         (SELECT customer_id FROM refunds WHERE refund_id = 'r-old2') AS refunds,
         (SELECT customer_id FROM outbox WHERE event_id = 'old-e2') AS outbox`,
    );
    expect(late).toEqual([{ calls: 'old-cust', refunds: 'old-cust', outbox: 'old-cust' }]);
    const [cols] = await admin.query(
      "SELECT table_name AS t FROM information_schema.columns WHERE table_schema = ? AND column_name = 'customer_id'",
      [DB],
    );
    expect(new Set((cols as { t: string }[]).map((c) => c.t))).toEqual(SHARDED);
    await admin.query('DELETE FROM outbox');
  });

  it('every statement of authorize, capture, refund, void, webhooks, reads, reconciliation and the relay names customer_id or is an allowed broadcast read', async () => {
    const settings = { leaseMs: 5_000, waitMs: 3_000 };
    const payments = new TypeormPaymentRepository(ds);
    const provider = new TestPaymentProvider();
    const providers: PaymentProvidersPort = { get: () => provider };
    const ledger = new TypeormLedger(ds);
    const authorize = new AuthorizePaymentUseCase(settings, payments, providers);
    const capture = new CapturePaymentUseCase(settings, payments, providers);
    const voids = new VoidPaymentUseCase(settings, payments, providers);
    const refund = new RefundPaymentUseCase(settings, payments, providers);
    const query = new QueryPaymentsUseCase(payments, ledger);
    const verifiers: WebhookVerifiersPort = {
      get: () => ({ verify: async (raw) => JSON.parse(raw.toString()) as ProviderNotice[] }),
    };
    const webhooks = new HandleWebhookUseCase(verifiers, new TypeormWebhookRepository(ds));
    const published: string[] = [];
    const relay = new OutboxRelay(ds, async (_p, topic) => void published.push(topic), { shardKey: 'customer_id' });
    const pay = (orderId: string, customerId: string, token = 'tok_visa') =>
      authorize.execute({
        orderId,
        customerId,
        amount: { amount: 5_000, currency: 'EUR' },
        provider: 'test',
        token,
      });
    const hook = (notices: ProviderNotice[]) => webhooks.execute('test', Buffer.from(JSON.stringify(notices)), {});

    const sql = captureSql(ds);
    const [a, b, c, d, e] = Array.from({ length: 5 }, () => randomUUID());
    expect((await pay(a, 'cust-a')).created).toBe(true);
    expect((await pay(a, 'cust-a')).created).toBe(false); // orders' retry
    await expect(pay(d, 'cust-d', 'tok_chargeDeclined')).rejects.toThrow();
    // Orders names the order's customer on every call, as below.
    expect((await capture.execute(a, 'cust-a')).status).toBe('captured');
    expect((await refund.execute(a, { refundId: 'r1', amount: 1_000 }, 'cust-a')).created).toBe(true);
    expect((await refund.execute(a, { refundId: 'r1', amount: 1_000 }, 'cust-a')).created).toBe(false);
    await expect(refund.execute(a, { refundId: 'r2', amount: 10_000 }, 'cust-a')).rejects.toThrow();
    expect((await pay(b, 'cust-b')).created).toBe(true);
    expect((await voids.execute(b, 'cust-b')).status).toBe('voided');
    // No payment: a cancelled tombstone (answered not found), on the shard of the customer orders names.
    await expect(voids.execute(c, 'cust-c')).rejects.toThrow();
    const [tombstone] = await admin.query('SELECT customer_id, status FROM payments WHERE order_id = ?', [c]);
    expect(tombstone).toEqual([{ customer_id: 'cust-c', status: 'cancelled' }]);
    await expect(pay(c, 'cust-c')).rejects.toThrow(); // a late authorization is refused

    const held = await pay(e, 'cust-e');
    const captured: ProviderNotice = {
      provider: 'test',
      eventId: 'evt-1',
      type: 'charge.captured',
      kind: 'captured',
      ref: held.payment.providerRef,
    };
    expect(await hook([captured])).toEqual({ received: 1, applied: 1, duplicates: 0 });
    expect(await hook([captured])).toEqual({ received: 1, applied: 0, duplicates: 1 });
    expect((await hook([{ ...captured, eventId: 'evt-2', ref: 'nobody' }])).applied).toBe(0);
    expect(await hook([{ ...captured, eventId: 'evt-3', kind: 'other' }])).toMatchObject({ applied: 0 });

    expect((await query.get(e, 'cust-e')).status).toBe('captured');
    expect((await query.reconcile(a, 'cust-a')).balanced).toBe(true);
    // Another customer's payment is not found under this one's key.
    await expect(query.get(e, 'cust-a')).rejects.toThrow();
    await expect(capture.execute(a, 'cust-b')).rejects.toThrow();
    // Called with the customer, nothing read every shard by order id...
    expect(sql.statements.filter((q) => q.includes(BROADCAST.byOrderId))).toEqual([]);
    // ...which only a caller that does not say (an operator's look-up) does.
    expect((await query.get(e)).status).toBe('captured');
    expect((await query.reconcile(randomUUID())).balanced).toBe(true);
    expect((await ledger.page('', 500)).length).toBeGreaterThanOrEqual(5);
    expect(await ledger.orphans()).toEqual([]);

    await relay.drain();
    relay.start();
    for (let i = 0; i < 60 && !sql.statements.some((q) => q.includes('outbox backlog metrics')); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await relay.shutdown(1_000);
    sql.stop();
    expect(published).toEqual(
      expect.arrayContaining(['payments.authorized', 'payments.captured', 'payments.refunded', 'payments.voided']),
    );
    const [left] = await admin.query('SELECT COUNT(*) AS n FROM outbox');
    expect(left).toEqual([{ n: 0 }]);

    const audits = sql.statements
      .map((q) => auditStatement(q, SHARDED, { allowedBroadcasts: BROADCAST_READS }))
      .filter((x): x is StatementAudit => !!x);
    expect(audits.filter((x) => x.violation).map((x) => `${x.violation}: ${x.sql}`)).toEqual([]);
    const written = new Set(audits.filter((x) => x.kind !== 'select').flatMap((x) => x.tables));
    expect([...written].sort()).toEqual([...SHARDED].sort());
    expect(new Set(audits.flatMap((x) => (x.broadcast ? [x.broadcast] : [])))).toEqual(BROADCAST_READS);
    console.log(
      `shard-key audit (payments): ${sql.statements.length} statements, ${audits.length} on sharded tables, ` +
        `${audits.filter((x) => x.broadcast).length} broadcast reads, 0 without the key`,
    );
  });
});
