import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Availability as inventory last reported it (CQRS read model), with the version it came at. */
export class AvailabilityReadModel1764200000000 implements MigrationInterface {
  name = 'AvailabilityReadModel1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE products
      ADD COLUMN available INT UNSIGNED NOT NULL DEFAULT 0,
      ADD COLUMN available_version BIGINT UNSIGNED NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE products DROP COLUMN available_version, DROP COLUMN available');
  }
}
