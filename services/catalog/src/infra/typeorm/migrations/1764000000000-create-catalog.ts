import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Categories are reference data the store cannot run without, so the schema migration ships them. */
export class CreateCatalog1764000000000 implements MigrationInterface {
  name = 'CreateCatalog1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE categories (
      id CHAR(36) NOT NULL PRIMARY KEY,
      slug VARCHAR(64) NOT NULL UNIQUE,
      name VARCHAR(128) NOT NULL
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE products (
      id CHAR(36) NOT NULL PRIMARY KEY,
      sku VARCHAR(64) NOT NULL UNIQUE,
      name VARCHAR(200) NOT NULL,
      description TEXT NOT NULL,
      category_id CHAR(36) NOT NULL,
      price_amount INT UNSIGNED NOT NULL,
      price_currency CHAR(3) NOT NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      CONSTRAINT fk_products_category FOREIGN KEY (category_id) REFERENCES categories(id),
      INDEX idx_products_category_price (category_id, price_amount),
      INDEX idx_products_created (created_at),
      INDEX idx_products_name (name)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    const categories = [
      ['fashion', 'Fashion'],
      ['electronics', 'Electronics'],
      ['home', 'Home goods'],
      ['toys', 'Toys'],
      ['sports', 'Sporting goods'],
    ];
    for (const [slug, name] of categories) {
      await q.query('INSERT INTO categories (id, slug, name) VALUES (UUID(), ?, ?)', [slug, name]);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE products');
    await q.query('DROP TABLE categories');
  }
}
