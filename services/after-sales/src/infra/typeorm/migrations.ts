import { outboxMigration, outboxTraceparentMigration } from '@dbcarts/db';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const TEXT = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';

/**
 * Warranty registrations (one per customer and order line), their claims (the moves as a JSON
 * history: read with the claim, never queried apart), product term overrides by SKU, support cases
 * and their messages, and the Idempotency-Keys of the ⟲ routes with their stored answers.
 */
export class CreateAfterSales1765400000000 implements MigrationInterface {
  name = 'CreateAfterSales1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE warranty_registrations (
      id CHAR(36) NOT NULL PRIMARY KEY,
      customer_id VARCHAR(64) NOT NULL,
      customer_email VARCHAR(320) NOT NULL,
      order_id CHAR(36) NOT NULL,
      sku VARCHAR(64) NOT NULL,
      product_name VARCHAR(200) NOT NULL,
      department VARCHAR(64) NULL,
      months SMALLINT UNSIGNED NOT NULL,
      delivered_at DATETIME(3) NOT NULL,
      covers_until DATETIME(3) NOT NULL,
      created_at DATETIME(3) NOT NULL,
      UNIQUE KEY uq_registration_line (customer_id, order_id, sku),
      KEY idx_registration_customer (customer_id, created_at)
    ) ${TEXT}`);
    await q.query(`CREATE TABLE warranty_claims (
      id CHAR(36) NOT NULL PRIMARY KEY,
      registration_id CHAR(36) NOT NULL,
      customer_id VARCHAR(64) NOT NULL,
      status VARCHAR(16) NOT NULL,
      resolution VARCHAR(16) NULL,
      description TEXT NOT NULL,
      history JSON NOT NULL,
      version INT UNSIGNED NOT NULL,
      created_at DATETIME(3) NOT NULL,
      updated_at DATETIME(3) NOT NULL,
      KEY idx_claim_registration (registration_id, created_at)
    ) ${TEXT}`);
    await q.query(`CREATE TABLE warranty_terms (
      sku VARCHAR(64) NOT NULL PRIMARY KEY,
      months SMALLINT UNSIGNED NOT NULL,
      updated_at DATETIME(3) NOT NULL
    ) ${TEXT}`);
    await q.query(`CREATE TABLE support_cases (
      id CHAR(36) NOT NULL PRIMARY KEY,
      customer_id VARCHAR(64) NOT NULL,
      customer_email VARCHAR(320) NOT NULL,
      subject VARCHAR(200) NOT NULL,
      order_id CHAR(36) NULL,
      sku VARCHAR(64) NULL,
      status VARCHAR(24) NOT NULL,
      version INT UNSIGNED NOT NULL,
      created_at DATETIME(3) NOT NULL,
      updated_at DATETIME(3) NOT NULL,
      first_response_at DATETIME(3) NULL,
      resolved_at DATETIME(3) NULL,
      KEY idx_case_customer (customer_id, created_at),
      KEY idx_case_status (status, created_at),
      KEY idx_case_created (created_at),
      KEY idx_case_resolved (resolved_at)
    ) ${TEXT}`);
    await q.query(`CREATE TABLE support_messages (
      seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      case_id CHAR(36) NOT NULL,
      author VARCHAR(16) NOT NULL,
      author_id VARCHAR(64) NOT NULL,
      body MEDIUMTEXT NOT NULL,
      created_at DATETIME(3) NOT NULL,
      KEY idx_message_case (case_id, seq)
    ) ${TEXT}`);
    await q.query(`CREATE TABLE idempotency_keys (
      customer_id VARCHAR(64) NOT NULL,
      idem_key VARCHAR(255) NOT NULL,
      request_hash CHAR(64) NOT NULL,
      response_status SMALLINT UNSIGNED NOT NULL,
      response_body LONGTEXT NOT NULL,
      created_at DATETIME(3) NOT NULL,
      PRIMARY KEY (customer_id, idem_key),
      KEY idx_idem_created (created_at)
    ) ${TEXT}`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'idempotency_keys',
      'support_messages',
      'support_cases',
      'warranty_terms',
      'warranty_claims',
      'warranty_registrations',
    ]) {
      await q.query(`DROP TABLE ${t}`);
    }
  }
}

/** The transactional outbox (packages/db): warranty.claim-decided and support.case-updated. */
export class Outbox1765400000001 extends outboxMigration('Outbox1765400000001') {}
export class OutboxTraceparent1765400000002 extends outboxTraceparentMigration('OutboxTraceparent1765400000002') {}
