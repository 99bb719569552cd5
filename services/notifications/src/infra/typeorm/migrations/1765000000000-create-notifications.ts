import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * notifications: one row per message sent, unique per CloudEvent id (the deduplication key, written
 * in the same transaction as the send). Listed per customer newest first: `seq` is the insert order,
 * so (customer_id, seq) serves the page without a sort.
 * dead_letters: events this service dropped, parked for inspection and replay.
 */
export class CreateNotifications1765000000000 implements MigrationInterface {
  name = 'CreateNotifications1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE notifications (
      seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      id CHAR(36) NOT NULL,
      event_id VARCHAR(200) NOT NULL,
      customer_id VARCHAR(64) NOT NULL,
      order_id VARCHAR(64) NOT NULL,
      kind VARCHAR(32) NOT NULL,
      channel VARCHAR(16) NOT NULL,
      recipient VARCHAR(320) NOT NULL,
      subject VARCHAR(300) NOT NULL,
      message MEDIUMTEXT NOT NULL,
      created_at DATETIME(3) NOT NULL,
      UNIQUE KEY uq_notifications_id (id),
      UNIQUE KEY uq_notifications_event (event_id),
      KEY idx_notifications_customer (customer_id, seq)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE dead_letters (
      seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      event_id VARCHAR(200) NOT NULL,
      topic VARCHAR(200) NOT NULL,
      payload LONGTEXT NOT NULL,
      received_at DATETIME(3) NOT NULL,
      UNIQUE KEY uq_dead_letters_event (event_id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE dead_letters');
    await q.query('DROP TABLE notifications');
  }
}
