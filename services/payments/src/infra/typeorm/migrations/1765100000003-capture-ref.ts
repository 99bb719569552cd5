import type { MigrationInterface, QueryRunner } from 'typeorm';

/** PayPal refunds name the capture, not the authorization: its id is kept beside the authorization's. */
export class CaptureRef1765100000003 implements MigrationInterface {
  name = 'CaptureRef1765100000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE payments ADD COLUMN capture_ref VARCHAR(255) NULL AFTER provider_ref');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE payments DROP COLUMN capture_ref');
  }
}
