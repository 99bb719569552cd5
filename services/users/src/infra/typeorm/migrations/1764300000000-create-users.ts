import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Users and addresses. Lookups are by unique email (login) and by id: no scans at 1M accounts. */
export class CreateUsers1764300000000 implements MigrationInterface {
  name = 'CreateUsers1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE users (
      id CHAR(36) NOT NULL PRIMARY KEY,
      email VARCHAR(254) NOT NULL,
      name VARCHAR(100) NOT NULL,
      password_hash VARCHAR(200) NOT NULL,
      roles JSON NOT NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      UNIQUE KEY uq_users_email (email)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE addresses (
      id CHAR(36) NOT NULL PRIMARY KEY,
      user_id CHAR(36) NOT NULL,
      name VARCHAR(100) NOT NULL,
      line1 VARCHAR(200) NOT NULL,
      line2 VARCHAR(200) NOT NULL DEFAULT '',
      city VARCHAR(100) NOT NULL,
      postal_code VARCHAR(20) NOT NULL,
      country CHAR(2) NOT NULL,
      KEY idx_addresses_user (user_id),
      CONSTRAINT fk_addresses_user FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE addresses');
    await q.query('DROP TABLE users');
  }
}
