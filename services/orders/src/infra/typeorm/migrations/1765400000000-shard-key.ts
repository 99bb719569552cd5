import { AUDIT_OFF, outboxShardKeyMigration, shardKeyTriggerSql } from '@dbcarts/db';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The shard key on every table sharded by customer (deploy/k8s/sharding/config-sharding.yaml):
 * order_lines and saga_log take their order's customer_id, the outbox the customerId of the event it
 * holds (every orders.* event names it). Expand-only: each column comes with DEFAULT '' so an
 * instance still running the previous code (a rolling deploy) inserts as before, and is backfilled
 * from its parent in the same migration; the repositories fill it on every insert from now on, and
 * a BEFORE INSERT trigger fills it for the previous release's inserts until the contract step. The
 * backfills visit every shard, so they carry ShardingSphere's audit hint (a comment elsewhere).
 * Keys stay as they are: each unique key names the order (order_id, or the proxy's Snowflake seq),
 * and an order's rows all sit on its customer's shard, so per-shard uniqueness is global uniqueness.
 */
export class ShardKey1765400000000 implements MigrationInterface {
  name = 'ShardKey1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query("ALTER TABLE order_lines ADD COLUMN IF NOT EXISTS customer_id VARCHAR(64) NOT NULL DEFAULT '' FIRST");
    await q.query(
      `${AUDIT_OFF} UPDATE order_lines l JOIN orders o ON o.id = l.order_id
       SET l.customer_id = o.customer_id WHERE l.customer_id = ''`,
    );
    await q.query(
      "ALTER TABLE saga_log ADD COLUMN IF NOT EXISTS customer_id VARCHAR(64) NOT NULL DEFAULT '' AFTER seq",
    );
    await q.query(
      `${AUDIT_OFF} UPDATE saga_log s JOIN orders o ON o.id = s.order_id
       SET s.customer_id = o.customer_id WHERE s.customer_id = ''`,
    );
    // Rows an instance of the previous release inserts meanwhile take their order's customer.
    for (const table of ['order_lines', 'saga_log']) {
      for (const sql of shardKeyTriggerSql(table, { table: 'orders', key: 'id', childKey: 'order_id' }))
        await q.query(sql);
    }
    await new OutboxShardKey().up(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await new OutboxShardKey().down(q);
    for (const table of ['order_lines', 'saga_log']) await q.query(`DROP TRIGGER IF EXISTS trg_${table}_customer_id`);
    await q.query('ALTER TABLE saga_log DROP COLUMN customer_id');
    await q.query('ALTER TABLE order_lines DROP COLUMN customer_id');
  }
}

const OutboxShardKey = outboxShardKeyMigration('ShardKey1765400000000:outbox', { payloadField: 'customerId' });
