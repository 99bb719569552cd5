import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Providers' webhook events, one row per (provider, event id): inserted in the same transaction as
 * the event's effect, so a redelivered event finds its row and changes nothing. Payments are found
 * by the provider's reference the events carry.
 */
export class WebhookEvents1765100000002 implements MigrationInterface {
  name = 'WebhookEvents1765100000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE webhook_events (
      provider VARCHAR(16) NOT NULL,
      event_id VARCHAR(200) NOT NULL,
      type VARCHAR(100) NOT NULL,
      order_id CHAR(36) NULL,
      outcome VARCHAR(16) NOT NULL,
      received_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (provider, event_id)
    ) ENGINE=InnoDB`);
    await q.query('CREATE INDEX ix_payments_provider_ref ON payments (provider, provider_ref)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX ix_payments_provider_ref ON payments');
    await q.query('DROP TABLE webhook_events');
  }
}
