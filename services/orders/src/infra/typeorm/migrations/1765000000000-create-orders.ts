import { outboxTableSql } from '@dbcarts/db';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Orders and their lines, the saga log, Idempotency-Keys, the outbox, and the two read models
 * this service keeps from its own events (order history, invoices with a gapless counter per year).
 */
export class CreateOrders1765000000000 implements MigrationInterface {
  name = 'CreateOrders1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE orders (
      id CHAR(36) NOT NULL PRIMARY KEY,
      customer_id VARCHAR(64) NOT NULL,
      customer_email VARCHAR(320) NOT NULL,
      status VARCHAR(16) NOT NULL,
      saga_step VARCHAR(16) NOT NULL,
      currency CHAR(3) NOT NULL,
      subtotal BIGINT NOT NULL,
      discount BIGINT NOT NULL,
      total BIGINT NOT NULL,
      shipping_address JSON NOT NULL,
      payment_provider VARCHAR(16) NOT NULL,
      failure_code VARCHAR(64) NULL,
      version INT UNSIGNED NOT NULL,
      created_at DATETIME(3) NOT NULL,
      updated_at DATETIME(3) NOT NULL,
      delivered_at DATETIME(3) NULL,
      KEY idx_orders_pending (status, updated_at),
      KEY idx_orders_customer (customer_id, created_at)
    ) ENGINE=InnoDB`);
    await q.query(`CREATE TABLE order_lines (
      order_id CHAR(36) NOT NULL,
      line_no SMALLINT UNSIGNED NOT NULL,
      sku VARCHAR(64) NOT NULL,
      name VARCHAR(200) NOT NULL,
      quantity INT UNSIGNED NOT NULL,
      unit_price BIGINT NOT NULL,
      returned INT UNSIGNED NOT NULL DEFAULT 0,
      reservation_id VARCHAR(128) NOT NULL,
      PRIMARY KEY (order_id, line_no)
    ) ENGINE=InnoDB`);
    await q.query(`CREATE TABLE saga_log (
      seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      order_id CHAR(36) NOT NULL,
      step VARCHAR(16) NOT NULL,
      status VARCHAR(16) NOT NULL,
      at DATETIME(3) NOT NULL,
      KEY idx_saga_log_order (order_id, seq)
    ) ENGINE=InnoDB`);
    await q.query(`CREATE TABLE idempotency_keys (
      customer_id VARCHAR(64) NOT NULL,
      idem_key VARCHAR(255) NOT NULL,
      request_hash CHAR(64) NOT NULL,
      order_id CHAR(36) NOT NULL,
      response_status SMALLINT UNSIGNED NULL,
      response_body LONGTEXT NULL,
      created_at DATETIME(3) NOT NULL,
      PRIMARY KEY (customer_id, idem_key),
      KEY idx_idem_order (order_id),
      KEY idx_idem_created (created_at)
    ) ENGINE=InnoDB`);
    await q.query(`CREATE TABLE order_history (
      order_id CHAR(36) NOT NULL PRIMARY KEY,
      customer_id VARCHAR(64) NOT NULL,
      status VARCHAR(16) NOT NULL,
      currency CHAR(3) NOT NULL,
      total BIGINT NOT NULL,
      item_count INT UNSIGNED NOT NULL,
      version INT UNSIGNED NOT NULL,
      created_at DATETIME(3) NOT NULL,
      updated_at DATETIME(3) NOT NULL,
      KEY idx_history_customer (customer_id, created_at),
      KEY idx_history_status (status, created_at)
    ) ENGINE=InnoDB`);
    await q.query(`CREATE TABLE invoice_counters (
      year SMALLINT UNSIGNED NOT NULL PRIMARY KEY,
      last_seq INT UNSIGNED NOT NULL
    ) ENGINE=InnoDB`);
    await q.query(`CREATE TABLE invoices (
      number VARCHAR(16) NOT NULL PRIMARY KEY,
      order_id CHAR(36) NOT NULL,
      customer_id VARCHAR(64) NOT NULL,
      issued_at DATETIME(3) NOT NULL,
      body JSON NOT NULL,
      UNIQUE KEY uq_invoices_order (order_id)
    ) ENGINE=InnoDB`);
    await q.query(outboxTableSql());
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'outbox',
      'invoices',
      'invoice_counters',
      'order_history',
      'idempotency_keys',
      'saga_log',
      'order_lines',
      'orders',
    ]) {
      await q.query(`DROP TABLE ${t}`);
    }
  }
}
