import 'reflect-metadata';
import { scratchDatabase } from '@dbcarts/testing';
import mysql from 'mysql2/promise';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompensateOrder } from '../src/app/compensate-order';
import { PlaceOrderUseCase } from '../src/app/place-order.use-case';
import { createOrdersDataSource } from '../src/infra/typeorm/data-source';
import { SqlOrderRepository } from '../src/infra/typeorm/sql-order.repository';
import { customers, payments, pricing, promotions, request, stock } from './checkout-stand-ins';

// A checkout's first transaction (its Idempotency-Key, the order, its lines) can be chosen as an
// InnoDB deadlock's victim under concurrent checkouts (bench:tracing-cost saw one in ~1,100 orders:
// "request failed (ER_LOCK_DEADLOCK)" on INSERT INTO orders). The victim is rolled back whole, so the
// same transaction again is safe: the repository retries it instead of failing the customer's order.
// Here the deadlock is made on purpose, with the checkout as its victim.

let ds: DataSource;
let db: Awaited<ReturnType<typeof scratchDatabase>>;

beforeAll(async () => {
  db = await scratchDatabase('deadlock');
  ds = createOrdersDataSource(db.url);
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
});
afterAll(async () => {
  await ds?.destroy();
  await db?.drop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a checkout chosen as a deadlock victim', () => {
  it('is retried and confirmed, not failed', async () => {
    const orders = new SqlOrderRepository(ds);
    const place = new PlaceOrderUseCase(
      orders,
      stock,
      pricing,
      payments,
      promotions,
      customers,
      new CompensateOrder(orders, stock, payments, promotions),
    );
    const other = await mysql.createConnection(db.url);
    try {
      await other.query('BEGIN');
      // The heavier transaction (rows written), so InnoDB picks the checkout as the victim.
      const rows = Array.from({ length: 200 }, (_, i) => [`x-${i}`, 'someone', 'x', 'x', new Date()]);
      await other.query('INSERT INTO saga_log (order_id, customer_id, step, status, at) VALUES ?', [rows]);
      // Locks the gap every new order goes into: the checkout's INSERT INTO orders waits here...
      await other.query("SELECT id FROM orders WHERE id > '' FOR UPDATE");
      const placing = place.execute({
        customerId: 'cust-deadlock',
        idempotencyKey: 'k-deadlock',
        requestHash: 'h-deadlock',
        request: request(),
      });
      placing.catch(() => undefined);
      await sleep(500);
      // ...holding its key's row, which this now waits for: a cycle; the checkout is rolled back.
      const closing = other.query(
        `INSERT INTO idempotency_keys (customer_id, idem_key, request_hash, order_id, created_at)
         VALUES ('cust-deadlock', 'k-deadlock', 'other', 'other', NOW(3))`,
      );
      await closing;
      await sleep(300); // the retried checkout now waits for this row
      await other.query('ROLLBACK');
      const placed = await placing;
      expect(placed.response.status).toBe(201);
      const [stored] = await other.query("SELECT status FROM orders WHERE customer_id = 'cust-deadlock'");
      expect(stored).toEqual([{ status: 'confirmed' }]);
    } finally {
      await other.end();
    }
  });
});
