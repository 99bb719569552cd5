import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Login attempts per subject (`account:<id>`, or `email:<normalized>` for an email no account has),
 * counted in the database so every users instance and every gateway shares one budget. Same
 * collation as users.email: the spellings that reach one account also reach one unknown-email row.
 * Expired rows are purged by window_ends.
 */
export class CreateLoginAttempts1764900000000 implements MigrationInterface {
  name = 'CreateLoginAttempts1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE login_attempts (
      subject VARCHAR(300) NOT NULL PRIMARY KEY,
      attempts INT UNSIGNED NOT NULL,
      window_ends DATETIME(3) NOT NULL,
      KEY idx_login_attempts_window_ends (window_ends)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE login_attempts');
  }
}
