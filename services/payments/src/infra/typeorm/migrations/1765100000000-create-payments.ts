import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The payments database. The invariants live in the schema as well as in the code:
 * - one payment per order: the order id is the primary key;
 * - refunds never exceed the capture: refunded ≤ refund_reserved ≤ captured ≤ amount (CHECK);
 * - a refund id is applied once per order: (order_id, refund_id) is the primary key of refunds;
 * - an operation is booked once: one posting per (journal, account), the journal being the step's
 *   idempotency key; every posting is one-sided and positive (CHECK).
 */
export class CreatePayments1765100000000 implements MigrationInterface {
  name = 'CreatePayments1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE payments (
      order_id CHAR(36) NOT NULL PRIMARY KEY,
      customer_id VARCHAR(64) NOT NULL,
      provider VARCHAR(16) NOT NULL,
      currency CHAR(3) NOT NULL,
      amount BIGINT NOT NULL,
      request_hash VARCHAR(64) NOT NULL,
      status VARCHAR(20) NOT NULL,
      provider_ref VARCHAR(255) NULL,
      captured BIGINT NOT NULL DEFAULT 0,
      refunded BIGINT NOT NULL DEFAULT 0,
      refund_reserved BIGINT NOT NULL DEFAULT 0,
      step VARCHAR(16) NULL,
      attempt INT NOT NULL DEFAULT 1,
      lease_until DATETIME(3) NULL,
      provider_reached TINYINT(1) NOT NULL DEFAULT 0,
      decline_code VARCHAR(64) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      KEY ix_payments_status (status, updated_at),
      CONSTRAINT chk_payment_money CHECK (amount >= 0 AND captured >= 0 AND refunded >= 0
        AND refunded <= refund_reserved AND refund_reserved <= captured AND captured <= amount)
    ) ENGINE=InnoDB`);
    await q.query(`CREATE TABLE refunds (
      order_id CHAR(36) NOT NULL,
      refund_id VARCHAR(100) NOT NULL,
      amount BIGINT NOT NULL,
      status VARCHAR(16) NOT NULL,
      attempt INT NOT NULL DEFAULT 1,
      lease_until DATETIME(3) NULL,
      provider_ref VARCHAR(255) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (order_id, refund_id),
      CONSTRAINT chk_refund_amount CHECK (amount > 0)
    ) ENGINE=InnoDB`);
    await q.query(`CREATE TABLE ledger_entries (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      order_id CHAR(36) NOT NULL,
      journal VARCHAR(160) NOT NULL,
      kind VARCHAR(16) NOT NULL,
      account VARCHAR(20) NOT NULL,
      debit BIGINT NOT NULL DEFAULT 0,
      credit BIGINT NOT NULL DEFAULT 0,
      currency CHAR(3) NOT NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      UNIQUE KEY uq_ledger_journal_account (journal, account),
      KEY ix_ledger_order (order_id),
      CONSTRAINT chk_ledger_one_sided CHECK (debit >= 0 AND credit >= 0 AND (debit = 0) <> (credit = 0))
    ) ENGINE=InnoDB`);
    await q.query(`CREATE TABLE provider_calls (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      order_id CHAR(36) NOT NULL,
      provider VARCHAR(16) NOT NULL,
      idempotency_key VARCHAR(160) NOT NULL,
      attempt INT NOT NULL,
      outcome VARCHAR(16) NULL,
      detail VARCHAR(255) NULL,
      started_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      finished_at DATETIME(3) NULL,
      KEY ix_calls_order (order_id),
      KEY ix_calls_key (idempotency_key)
    ) ENGINE=InnoDB`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['provider_calls', 'ledger_entries', 'refunds', 'payments']) await q.query(`DROP TABLE ${t}`);
  }
}
