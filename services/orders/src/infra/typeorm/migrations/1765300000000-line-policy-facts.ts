import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The returns policy's facts of a line, fixed at checkout (issue 14): the product's department
 * (catalog category slug) and whether it was sold as final sale. Lines of earlier orders keep NULL/0:
 * the general 30-day window.
 */
export class LinePolicyFacts1765300000000 implements MigrationInterface {
  name = 'LinePolicyFacts1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE order_lines
      ADD COLUMN IF NOT EXISTS department VARCHAR(64) NULL,
      ADD COLUMN IF NOT EXISTS final_sale TINYINT(1) NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE order_lines DROP COLUMN final_sale, DROP COLUMN department');
  }
}
