import { AUDIT_OFF, outboxShardKeyMigration, shardKeyTriggerSql } from '@dbcarts/db';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The shard key on every table sharded by customer (deploy/k8s/sharding/config-sharding-payments.yaml):
 * ledger_entries, refunds, provider_calls and webhook_events take their payment's customer_id, the
 * outbox the customerId of the event it holds (every payments.* event names it). Expand-only: each
 * column comes with DEFAULT '' so an instance still running the previous code inserts as before,
 * and is backfilled from payments in the same migration (a webhook event that matched no payment,
 * or ledger lines of no payment, keep ''); the repositories fill it on every insert from now on, and
 * a BEFORE INSERT trigger fills it for the previous release's inserts until the contract step.
 * The backfills visit every shard, so they carry ShardingSphere's audit hint. Keys stay: each unique
 * key names the order (or the provider's event, which always resolves to the same payment), and an
 * order's rows all sit on its customer's shard.
 */
export class ShardKey1765100000005 implements MigrationInterface {
  name = 'ShardKey1765100000005';

  async up(q: QueryRunner): Promise<void> {
    // One statement per table, written out: tests/unit/deploy-sharding.test.ts reads the schema from these.
    await q.query(
      "ALTER TABLE ledger_entries ADD COLUMN IF NOT EXISTS customer_id VARCHAR(64) NOT NULL DEFAULT '' AFTER id",
    );
    await q.query("ALTER TABLE refunds ADD COLUMN IF NOT EXISTS customer_id VARCHAR(64) NOT NULL DEFAULT '' FIRST");
    await q.query(
      "ALTER TABLE provider_calls ADD COLUMN IF NOT EXISTS customer_id VARCHAR(64) NOT NULL DEFAULT '' AFTER id",
    );
    await q.query(
      "ALTER TABLE webhook_events ADD COLUMN IF NOT EXISTS customer_id VARCHAR(64) NOT NULL DEFAULT '' FIRST",
    );
    for (const table of TABLES) {
      await q.query(
        `${AUDIT_OFF} UPDATE ${table} t JOIN payments p ON p.order_id = t.order_id
         SET t.customer_id = p.customer_id WHERE t.customer_id = ''`,
      );
      // Rows an instance of the previous release inserts meanwhile take their payment's customer.
      for (const sql of shardKeyTriggerSql(table, { table: 'payments', key: 'order_id' })) await q.query(sql);
    }
    await new OutboxShardKey().up(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await new OutboxShardKey().down(q);
    for (const table of TABLES) await q.query(`DROP TRIGGER IF EXISTS trg_${table}_customer_id`);
    for (const table of [...TABLES].reverse()) {
      await q.query(`ALTER TABLE ${table} DROP COLUMN customer_id`);
    }
  }
}

const TABLES = ['ledger_entries', 'refunds', 'provider_calls', 'webhook_events'];
const OutboxShardKey = outboxShardKeyMigration('ShardKey1765100000005:outbox', { payloadField: 'customerId' });
