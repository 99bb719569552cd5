import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The promotions database. The invariants live in the schema as well as in the code:
 * - codes are unique case-insensitively: stored upper case under a unique key on a binary column
 *   (automatic discounts have none; NULLs do not collide);
 * - a cap is never exceeded: 0 ≤ used ≤ max_redemptions (CHECK) on the promotion, and
 *   0 ≤ used ≤ the promotion's max_per_customer on the customer's counter (decided by the conditional
 *   UPDATE; the CHECK keeps it non-negative);
 * - one outcome per order: the order id is the primary key of redemptions.
 */
export class CreatePromotions1765200000000 implements MigrationInterface {
  name = 'CreatePromotions1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE promotions (
      id CHAR(36) NOT NULL PRIMARY KEY,
      code VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NULL,
      kind VARCHAR(8) NOT NULL,
      value BIGINT NOT NULL,
      currency CHAR(3) NULL,
      min_subtotal BIGINT NOT NULL DEFAULT 0,
      skus TEXT NOT NULL,
      departments TEXT NOT NULL,
      starts_at DATETIME(3) NULL,
      ends_at DATETIME(3) NULL,
      max_redemptions INT NULL,
      max_per_customer INT NULL,
      active TINYINT(1) NOT NULL DEFAULT 1,
      used INT NOT NULL DEFAULT 0,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      UNIQUE KEY uq_promotions_code (code),
      KEY ix_promotions_automatic (active, ends_at),
      CONSTRAINT chk_promotion_value CHECK (value > 0 AND min_subtotal >= 0),
      CONSTRAINT chk_promotion_cap CHECK (used >= 0 AND (max_redemptions IS NULL OR used <= max_redemptions))
    ) ENGINE=InnoDB`);
    await q.query(`CREATE TABLE customer_uses (
      promotion_id CHAR(36) NOT NULL,
      customer_id VARCHAR(64) NOT NULL,
      used INT NOT NULL DEFAULT 0,
      PRIMARY KEY (promotion_id, customer_id),
      CONSTRAINT chk_customer_uses CHECK (used >= 0)
    ) ENGINE=InnoDB`);
    await q.query(`CREATE TABLE redemptions (
      order_id VARCHAR(64) NOT NULL PRIMARY KEY,
      customer_id VARCHAR(64) NOT NULL,
      coupon_id CHAR(36) NULL,
      coupon_code VARCHAR(64) NULL,
      request_hash VARCHAR(64) NOT NULL,
      status VARCHAR(10) NOT NULL,
      quote LONGTEXT NULL,
      refusal TEXT NULL,
      discount BIGINT NOT NULL DEFAULT 0,
      hold_until DATETIME(3) NULL,
      created_at DATETIME(3) NOT NULL,
      updated_at DATETIME(3) NOT NULL,
      KEY ix_redemptions_hold (status, hold_until),
      KEY ix_redemptions_coupon (coupon_id, status)
    ) ENGINE=InnoDB`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['redemptions', 'customer_uses', 'promotions']) await q.query(`DROP TABLE ${t}`);
  }
}
