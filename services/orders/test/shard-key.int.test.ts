import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditStatement, captureSql, OutboxRelay, type StatementAudit, shardedTablesOf } from '@dbcarts/db';
import mysql from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderEvent } from '../contract';
import { CompensateOrder } from '../src/app/compensate-order';
import { ManageOrderUseCase } from '../src/app/manage-order.use-case';
import { OrderEventsUseCase } from '../src/app/order-events.use-case';
import { PlaceOrderUseCase } from '../src/app/place-order.use-case';
import { RecoverOrders } from '../src/app/recover-orders';
import { WarrantyRefundUseCase } from '../src/app/warranty-refund.use-case';
import { WarrantyReplacementUseCase } from '../src/app/warranty-replacement.use-case';
import { createOrdersDataSource } from '../src/infra/typeorm/data-source';
import { CreateOrders1765000000000 } from '../src/infra/typeorm/migrations/1765000000000-create-orders';
import { DeadLetters1765100000000 } from '../src/infra/typeorm/migrations/1765100000000-dead-letters';
import { OutboxTraceparent1765200000000 } from '../src/infra/typeorm/migrations/1765200000000-outbox-traceparent';
import { LinePolicyFacts1765300000000 } from '../src/infra/typeorm/migrations/1765300000000-line-policy-facts';
import { SqlOrderRepository } from '../src/infra/typeorm/sql-order.repository';
import { SqlInvoiceStore, SqlOrderHistory } from '../src/infra/typeorm/sql-read-models';
import { address, customers, paymentCalls, payments, pricing, promotions, request, stock } from './checkout-stand-ins';

// Issue 13: through ShardingSphere-Proxy (deploy/k8s/sharding/config-sharding.yaml) every statement
// on a table sharded by customer_id must name it: DML without it is refused by the proxy's auditor,
// a read without it visits both data sources. This runs orders' repositories, use cases, read models
// and outbox relay against a real MariaDB through checkout-like sequences (place, replay, declined,
// unknown SKU, cancel, ship, deliver, return, invoice, history, warranty refund and replacement, the
// recovery sweep, the relay), captures every statement they emit (the TypeORM logger's hook) and
// audits each one: DML names customer_id (INSERT in its columns); a read names it or carries a
// `/* broadcast: <reason> */` mark whose reason is in the allow-list below.

const SERVER = process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306';
const DB = `dbcarts_t_shardkey_${randomBytes(4).toString('hex')}`;
const SHARDED = shardedTablesOf(
  readFileSync(join(__dirname, '..', '..', '..', 'deploy', 'k8s', 'sharding', 'config-sharding.yaml'), 'utf8'),
);

/** Every read that may visit every shard, and why (the proxy scatters it and merges). */
const BROADCAST_READS = new Set([
  'admin reads an order by id', // ship, deliver, an admin's order page: only the order id is known
  'recovery sweep finds stale pending orders', // pending orders of every customer; then keyed writes
  "admin lists every customer's orders", // GET /api/admin/orders over order_history
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

describe('orders: the shard key', () => {
  it('the migration adds customer_id to a database made by the previous ones and backfills its rows', async () => {
    // The schema as the previous release left it, with an order written by that release's code.
    const before = new DataSource({
      type: 'mysql',
      url: `${SERVER}/${DB}`,
      migrations: [
        CreateOrders1765000000000,
        DeadLetters1765100000000,
        OutboxTraceparent1765200000000,
        LinePolicyFacts1765300000000,
      ],
      migrationsTableName: 'orders_migrations',
    });
    await before.initialize();
    await before.runMigrations();
    await before.destroy();
    const id = randomUUID();
    await admin.query(
      `INSERT INTO orders (id, customer_id, customer_email, status, saga_step, currency, subtotal, discount, total,
         shipping_address, payment_provider, version, created_at, updated_at)
       VALUES (?, 'old-cust', 'o@example.com', 'confirmed', 'done', 'EUR', 100, 0, 100, '{}', 'test', 3, NOW(3), NOW(3))`,
      [id],
    );
    await admin.query(
      `INSERT INTO order_lines (order_id, line_no, sku, name, quantity, unit_price, reservation_id)
       VALUES (?, 0, 'OLD-1', 'old', 1, 100, 'r0'), (?, 1, 'OLD-2', 'old', 1, 0, 'r1')`,
      [id, id],
    );
    await admin.query("INSERT INTO saga_log (order_id, step, status, at) VALUES (?, 'done', 'confirmed', NOW(3))", [
      id,
    ]);
    await admin.query(
      "INSERT INTO outbox (event_id, pubsub, topic, payload) VALUES ('old-e1', 'pubsub', 'orders.confirmed', ?)",
      [JSON.stringify({ orderId: id, customerId: 'old-cust' })],
    );

    ds = createOrdersDataSource(`${SERVER}/${DB}`);
    await ds.initialize();
    const ran = await ds.runMigrations({ transaction: 'each' });
    expect(ran.map((m) => m.name)).toEqual(['ShardKey1765400000000']);
    const [lines] = await admin.query('SELECT customer_id FROM order_lines WHERE order_id = ?', [id]);
    expect(lines).toEqual([{ customer_id: 'old-cust' }, { customer_id: 'old-cust' }]);
    const [log] = await admin.query('SELECT customer_id FROM saga_log WHERE order_id = ?', [id]);
    expect(log).toEqual([{ customer_id: 'old-cust' }]);
    const [outbox] = await admin.query("SELECT customer_id FROM outbox WHERE event_id = 'old-e1'");
    expect(outbox).toEqual([{ customer_id: 'old-cust' }]);
    // The previous release, still running beside the new one, inserts without the column: the rows take the key.
    await admin.query(
      "INSERT INTO order_lines (order_id, line_no, sku, name, quantity, unit_price, reservation_id) VALUES (?, 2, 'OLD-3', 'old', 1, 0, 'r2')",
      [id],
    );
    await admin.query("INSERT INTO saga_log (order_id, step, status, at) VALUES (?, 'x', 'confirmed', NOW(3))", [id]);
    await admin.query(
      "INSERT INTO outbox (event_id, pubsub, topic, payload) VALUES ('old-e2', 'pubsub', 'orders.shipped', ?)",
      [JSON.stringify({ orderId: id, customerId: 'old-cust' })],
    );
    const [unkeyed] = await admin.query(
      `SELECT (SELECT COUNT(*) FROM order_lines WHERE customer_id = '') + (SELECT COUNT(*) FROM saga_log WHERE customer_id = '')
         + (SELECT COUNT(*) FROM outbox WHERE customer_id = '') AS n`,
    );
    expect(Number((unkeyed as { n: unknown }[])[0]?.n)).toBe(0);
    // Every sharded table of the config has the column now.
    const [cols] = await admin.query(
      "SELECT table_name AS t FROM information_schema.columns WHERE table_schema = ? AND column_name = 'customer_id'",
      [DB],
    );
    expect(new Set((cols as { t: string }[]).map((c) => c.t))).toEqual(new Set([...SHARDED, 'invoices']));
    await admin.query('DELETE FROM outbox');
  });

  it('every statement of checkout, lifecycle, events, warranty, recovery and the relay names customer_id or is an allowed broadcast read', async () => {
    const orders = new SqlOrderRepository(ds);
    const compensate = new CompensateOrder(orders, stock, payments, promotions);
    const place = new PlaceOrderUseCase(orders, stock, pricing, payments, promotions, customers, compensate);
    const manage = new ManageOrderUseCase(orders, stock, payments, promotions);
    const history = new SqlOrderHistory(ds);
    const invoices = new SqlInvoiceStore(ds);
    const events = new OrderEventsUseCase(history, invoices, orders, manage);
    const recover = new RecoverOrders(orders, place, compensate, { staleSeconds: 1 });
    const warrantyRefund = new WarrantyRefundUseCase(orders, payments);
    const replacement = new WarrantyReplacementUseCase(orders, stock, compensate, place);
    const published: { topic: string; data: OrderEvent }[] = [];
    const relay = new OutboxRelay(
      ds,
      async (_pubsub, topic, data) => void published.push({ topic, data: data as OrderEvent }),
      { shardKey: 'customer_id' },
    );
    // What a consumer of orders.* does with each event (this service's own subscriptions).
    const consume = async () => {
      await relay.drain();
      for (const { topic, data } of published.splice(0)) {
        await events.project(data);
        if (topic === 'orders.confirmed') await events.invoice(data);
        await events.settle(data, topic);
      }
    };

    const capture = captureSql(ds);
    const placed = async (customerId: string, key: string, req = request()) =>
      place.execute({ customerId, idempotencyKey: key, requestHash: `h-${key}`, request: req });

    const a = await placed('cust-a', 'k-a');
    expect(a.response.status).toBe(201);
    const orderA = (a.response.body as { id: string }).id;
    expect((await placed('cust-a', 'k-a')).replayed).toBe(true);
    expect((await placed('cust-b', 'k-declined', request('tok_declined'))).response.status).toBeGreaterThanOrEqual(400);
    expect(
      (await placed('cust-b', 'k-unknown', request('tok_visa', ['NOPE-1']))).response.status,
    ).toBeGreaterThanOrEqual(400);
    const b = await placed('cust-b', 'k-b');
    const orderB = (b.response.body as { id: string }).id;
    await consume();

    expect((await manage.get({ customerId: 'cust-a' }, orderA)).status).toBe('confirmed');
    await expect(manage.get({ customerId: 'cust-b' }, orderA)).rejects.toThrow();
    expect((await manage.cancel({ customerId: 'cust-b' }, orderB)).status).toBe('cancelled');
    expect((await manage.ship(orderA)).status).toBe('shipped');
    expect((await manage.deliver(orderA)).status).toBe('delivered');
    const returned = await manage.return({ customerId: 'cust-a' }, orderA, {
      items: [{ sku: 'SHARD-B', quantity: 1 }],
      reason: 'damaged',
    });
    expect(returned.effect.refund).toBe(700);
    await consume();

    const claim = { orderId: orderA, customerId: 'cust-a', sku: 'SHARD-A' };
    expect(await warrantyRefund.execute({ ...claim, claimId: 'w1', status: 'refunded' })).toBe('refunded');
    expect(await warrantyRefund.execute({ ...claim, customerId: 'cust-b', claimId: 'w2', status: 'refunded' })).toBe(
      'refused',
    );
    expect(await replacement.execute({ ...claim, claimId: 'w3', status: 'replaced' })).toBe('placed');
    await consume();

    // A checkout whose request died after claiming its key: the sweep undoes it.
    const stuck = await orders.createClaimed(
      {
        id: randomUUID(),
        customerId: 'cust-c',
        customerEmail: 'c@example.com',
        status: 'pending',
        sagaStep: 'reserving',
        currency: 'EUR',
        lines: [{ sku: 'SHARD-A', name: 'A', quantity: 1, unitPrice: 1500, returned: 0, reservationId: 'x:0' }],
        subtotal: 1500,
        discount: 0,
        total: 1500,
        shippingAddress: address,
        paymentProvider: 'test',
        version: 1,
        createdAt: new Date(),
        updatedAt: new Date(),
      },
      'k-stuck',
      'h-stuck',
    );
    expect(stuck.kind).toBe('new');
    await admin.query("UPDATE orders SET updated_at = NOW(3) - INTERVAL 1 HOUR WHERE customer_id = 'cust-c'");
    expect(await recover.sweep()).toBe(1);

    expect((await history.list('cust-a', 1, 10)).total).toBe(2); // the order and its replacement
    expect((await history.listAll({ page: 1, pageSize: 10 })).total).toBe(3);
    expect((await events.invoiceOf(orderA)).orderId).toBe(orderA);
    await consume();
    // The relay as it runs in the service: a poll, then its backlog metrics.
    relay.start();
    for (let i = 0; i < 60 && !capture.statements.some((q) => q.includes('outbox backlog metrics')); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await relay.shutdown(1_000);
    capture.stop();

    // The runs did what they say (money moved as the lifecycle says), so the SQL below is theirs.
    expect(paymentCalls).toEqual(
      expect.arrayContaining([
        `capture:${orderA}:cust-a`,
        `void:${orderB}:cust-b`,
        `refund:${orderA}:cust-a:warranty:w1`,
      ]),
    );

    const audits = capture.statements
      .map((sql) => auditStatement(sql, SHARDED, { allowedBroadcasts: BROADCAST_READS }))
      .filter((x): x is StatementAudit => !!x);
    const violations = audits.filter((x) => x.violation).map((x) => `${x.violation}: ${x.sql}`);
    expect(violations).toEqual([]);
    // Every sharded table was written and read by the run, and every allowed broadcast was exercised.
    const written = new Set(audits.filter((x) => x.kind !== 'select').flatMap((x) => x.tables));
    expect([...written].sort()).toEqual([...SHARDED].sort());
    expect(new Set(audits.flatMap((x) => (x.broadcast ? [x.broadcast] : [])))).toEqual(BROADCAST_READS);
    console.log(
      `shard-key audit (orders): ${capture.statements.length} statements, ${audits.length} on sharded tables, ` +
        `${audits.filter((x) => x.broadcast).length} broadcast reads, 0 without the key`,
    );
  });
});
