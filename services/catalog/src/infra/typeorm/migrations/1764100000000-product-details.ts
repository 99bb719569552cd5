import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Product details (brand, images, attributes, warranty) and the indexes listings need at 100k+
 * rows: every (department, sort) pair walks an index in order, and text search uses FULLTEXT
 * instead of a LIKE '%q%' scan.
 */
export class ProductDetails1764100000000 implements MigrationInterface {
  name = 'ProductDetails1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE products
      ADD COLUMN brand VARCHAR(100) NOT NULL DEFAULT '' AFTER name,
      ADD COLUMN images JSON NOT NULL DEFAULT ('[]'),
      ADD COLUMN attributes JSON NOT NULL DEFAULT ('{}'),
      ADD COLUMN warranty_months SMALLINT UNSIGNED NOT NULL DEFAULT 0,
      ADD COLUMN warranty_terms VARCHAR(500) NOT NULL DEFAULT '',
      ADD INDEX idx_products_category_created (category_id, created_at),
      ADD INDEX idx_products_category_name (category_id, name),
      ADD INDEX idx_products_price (price_amount),
      ADD FULLTEXT INDEX ft_products_text (name, brand)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE products
      DROP INDEX ft_products_text, DROP INDEX idx_products_price, DROP INDEX idx_products_category_name,
      DROP INDEX idx_products_category_created,
      DROP COLUMN warranty_terms, DROP COLUMN warranty_months, DROP COLUMN attributes, DROP COLUMN images, DROP COLUMN brand`);
  }
}
