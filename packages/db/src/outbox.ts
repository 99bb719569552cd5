import { randomUUID } from 'node:crypto';
import { currentTraceparent } from '@dbcarts/telemetry';
import type { DataSource, EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
import { countPublished, measureOutbox } from './outbox-metrics';

/**
 * Transactional outbox: a service writes its change and the events that announce it in ONE
 * database transaction (`appendToOutbox` with the transaction's manager), and a relay publishes the
 * rows afterwards, in commit order, retrying until the broker takes them. A crash between commit and
 * publish loses nothing (the row waits); a crash between publish and delete publishes the row again
 * with the same CloudEvent id, which consumers deduplicate on.
 */
export interface OutboxMessage {
  /** The CloudEvent id consumers deduplicate on; a fresh UUID when absent. */
  id?: string;
  pubsub: string;
  topic: string;
  data: unknown;
}

/** `traceparent`: the trace of the transaction that wrote the row, so its consumers join that trace. */
export type Publish = (pubsub: string, topic: string, data: unknown, id: string, traceparent?: string) => Promise<void>;

/** The table, created by each service's own migration (it lives in that service's database). */
export function outboxTableSql(table = 'outbox'): string {
  return `CREATE TABLE IF NOT EXISTS \`${table}\` (
    seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    event_id VARCHAR(200) NOT NULL,
    pubsub VARCHAR(100) NOT NULL,
    topic VARCHAR(200) NOT NULL,
    payload LONGTEXT NOT NULL,
    created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
  ) ENGINE=InnoDB`;
}

/** A migration that creates the outbox table: `class X extends outboxMigration('X1765...') {}`. */
export function outboxMigration(name: string, table = 'outbox'): new () => MigrationInterface {
  return class implements MigrationInterface {
    name = name;
    async up(q: QueryRunner): Promise<void> {
      await q.query(outboxTableSql(table));
    }
    async down(q: QueryRunner): Promise<void> {
      await q.query(`DROP TABLE \`${table}\``);
    }
  };
}

/**
 * Adds the trace context column to an outbox made before it existed: a row published later, by a
 * relay outside any request, still carries the trace of the request that wrote it (the consumers'
 * spans then join the order's trace instead of starting traces of their own).
 */
export function outboxTraceparentMigration(name: string, table = 'outbox'): new () => MigrationInterface {
  return class implements MigrationInterface {
    name = name;
    async up(q: QueryRunner): Promise<void> {
      await q.query(`ALTER TABLE \`${table}\` ADD COLUMN IF NOT EXISTS traceparent VARCHAR(55) NULL`);
    }
    async down(q: QueryRunner): Promise<void> {
      await q.query(`ALTER TABLE \`${table}\` DROP COLUMN traceparent`);
    }
  };
}

/**
 * Adds the shard-key column to an outbox made before it existed (a database sharded by it, e.g.
 * ShardingSphere-Proxy by customer_id: an INSERT without the sharding column cannot be routed, and
 * the relay's DELETE of published rows must name it). Expand-only: added with DEFAULT '' so rows
 * written meanwhile by an instance that does not fill it still insert, backfilled from each row's
 * payload (`payloadField`, e.g. `customerId`: the JSON field of the event naming the key), and a
 * BEFORE INSERT trigger fills it the same way for such an instance's rows until the contract step.
 * Services that do not shard do not run it: their outbox has no such column and their relay is not
 * told one.
 */
export function outboxShardKeyMigration(
  name: string,
  opts: { column?: string; payloadField: string; table?: string },
): new () => MigrationInterface {
  const table = opts.table ?? 'outbox';
  const column = opts.column ?? 'customer_id';
  for (const name of [table, column, opts.payloadField]) {
    if (!/^\w+$/.test(name)) throw new Error(`outboxShardKeyMigration: not an identifier: ${name}`);
  }
  return class implements MigrationInterface {
    name = name;
    async up(q: QueryRunner): Promise<void> {
      await q.query(`ALTER TABLE \`${table}\` ADD COLUMN IF NOT EXISTS ${column} VARCHAR(64) NOT NULL DEFAULT ''`);
      const fromPayload = `COALESCE(JSON_UNQUOTE(JSON_EXTRACT(payload, '$.${opts.payloadField}')), '')`;
      await q.query(`${AUDIT_OFF} UPDATE \`${table}\` SET ${column} = ${fromPayload} WHERE ${column} = ''`);
      // While the previous release still runs beside this one (a rolling or canary deploy), its rows
      // get the key from their payload too; the contract migration drops the trigger with the default.
      await q.query(`DROP TRIGGER IF EXISTS \`trg_${table}_${column}\``);
      await q.query(
        `CREATE TRIGGER \`trg_${table}_${column}\` BEFORE INSERT ON \`${table}\` FOR EACH ROW
         SET NEW.${column} = IF(NEW.${column} = '', ${fromPayload.replace('payload', 'NEW.payload')}, NEW.${column})`,
      );
    }
    async down(q: QueryRunner): Promise<void> {
      await q.query(`DROP TRIGGER IF EXISTS \`trg_${table}_${column}\``);
      await q.query(`ALTER TABLE \`${table}\` DROP COLUMN ${column}`);
    }
  };
}

/**
 * The transition trigger of a child table's shard key: a row inserted without it (by an instance of
 * the previous release, during a rolling or canary deploy) takes its parent's, so no row is left
 * under '' that the keyed statements of the new release would not find. Dropped by the contract
 * migration together with the column's DEFAULT ''.
 */
export function shardKeyTriggerSql(
  table: string,
  parent: { table: string; key: string; childKey?: string },
  column = 'customer_id',
): string[] {
  const name = `trg_${table}_${column}`;
  return [
    `DROP TRIGGER IF EXISTS \`${name}\``,
    `CREATE TRIGGER \`${name}\` BEFORE INSERT ON \`${table}\` FOR EACH ROW
     SET NEW.${column} = IF(NEW.${column} = '',
       COALESCE((SELECT p.${column} FROM \`${parent.table}\` p WHERE p.${parent.key} = NEW.${parent.childKey ?? parent.key}), ''),
       NEW.${column})`,
  ];
}

/**
 * ShardingSphere's hint that lets one statement through its sharding-key auditor: only for a
 * migration's backfill, which must visit every shard (it is a comment to MySQL and MariaDB).
 */
export const AUDIT_OFF = '/* SHARDINGSPHERE_HINT: DISABLE_AUDIT_NAMES=sharding_key_required */';

/** Where appended rows go: the table, and the shard-key column with this transaction's value. */
export interface AppendOptions {
  table?: string;
  shardKey?: { column: string; value: string };
}

/**
 * Adds messages to the outbox inside the caller's transaction (pass its EntityManager). A sharded
 * owner passes its shard key (`{ shardKey: { column: 'customer_id', value } }`): every row of one
 * transaction belongs to the same shard.
 */
export async function appendToOutbox(
  manager: EntityManager,
  messages: OutboxMessage[],
  tableOrOptions: string | AppendOptions = 'outbox',
) {
  if (!messages.length) return;
  const { table = 'outbox', shardKey } =
    typeof tableOrOptions === 'string' ? { table: tableOrOptions } : tableOrOptions;
  const traceparent = currentTraceparent() ?? null;
  const width = shardKey ? 6 : 5;
  const values = messages.map(() => `(${Array(width).fill('?').join(', ')})`).join(', ');
  const params = messages.flatMap((m) => [
    m.id ?? randomUUID(),
    m.pubsub,
    m.topic,
    JSON.stringify(m.data ?? null),
    traceparent,
    ...(shardKey ? [shardKey.value] : []),
  ]);
  await manager.query(
    `INSERT INTO \`${table}\` (event_id, pubsub, topic, payload, traceparent${shardKey ? `, ${shardKey.column}` : ''}) VALUES ${values}`,
    params,
  );
}

export interface OutboxRelayOptions {
  /** Poll interval when nothing woke the relay (a row committed by another instance). */
  pollMs?: number;
  batch?: number;
  /** Longest pause between attempts while the broker refuses. */
  maxBackoffMs?: number;
  table?: string;
  /**
   * The outbox's shard-key column (`customer_id`) in a sharded database: the relay reads it with
   * each row and deletes published rows per key (`WHERE customer_id = ? AND seq IN (...)`), so the
   * delete routes to one shard instead of being refused by ShardingSphere's sharding-key auditor.
   */
  shardKey?: string;
  onError?: (err: unknown) => void;
}

/**
 * The mark of a read that visits every shard on purpose (ShardingSphere scatters it and merges):
 * the relay reads every shard's pending rows, the backlog metrics count them all.
 */
export const RELAY_BROADCAST = '/* broadcast: outbox relay polls and counts every shard */';

interface Row {
  seq: string;
  event_id: string;
  pubsub: string;
  topic: string;
  payload: string;
  traceparent: string | null;
  shard_key?: string;
}

/**
 * Publishes outbox rows in `seq` order and deletes each once the broker took it. One relay at a
 * time per database (a MariaDB advisory lock), so two instances never publish out of order; the
 * others wait their turn and take over when the holder dies (the lock goes with its connection).
 */
export class OutboxRelay {
  private timer?: NodeJS.Timeout;
  private running = false;
  private again = false;
  private stopped = false;
  private failures = 0;
  /** Rows this relay has published since it was made. */
  private published = 0;
  private readonly lockName: string;

  constructor(
    private readonly ds: DataSource,
    private readonly publish: Publish,
    private readonly opts: OutboxRelayOptions = {},
  ) {
    this.lockName = `${ds.options.database ?? 'db'}_${opts.table ?? 'outbox'}_relay`;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /**
   * Graceful stop (SIGTERM): no more polling, the pass in progress finishes, then what is still
   * pending is published, so an order committed during the drain does not wait for the next
   * instance's relay. The number of rows it published; what a broker still refuses after `budgetMs`
   * (under serve()'s SHUTDOWN_FLUSH_MS) stays for whoever takes over.
   */
  async shutdown(budgetMs = 4_000): Promise<number> {
    this.stop();
    while (this.running) await new Promise((r) => setTimeout(r, 20));
    // A publish that fails or times out (a loaded sidecar) is tried again within the budget instead of
    // leaving the rest for whoever takes over: a CI run under load once exited with 74 rows unpublished.
    const deadline = Date.now() + budgetMs;
    const before = this.published;
    for (;;) {
      try {
        await this.drain();
        const [row] = await this.ds.query(
          `${RELAY_BROADCAST} SELECT COUNT(*) AS n FROM \`${this.opts.table ?? 'outbox'}\``,
        );
        if (Number(row?.n) === 0) break;
      } catch (err) {
        this.opts.onError?.(err);
      }
      if (Date.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    return this.published - before;
  }

  /** Call after a commit that appended rows: publishes now instead of at the next poll. */
  wake(): void {
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  /** Publishes everything pending once (tests, shutdown); the number of rows published. */
  async drain(): Promise<number> {
    const runner = this.ds.createQueryRunner();
    await runner.connect();
    try {
      const [lock] = await runner.query('SELECT GET_LOCK(?, 0) AS ok', [this.lockName]);
      if (Number(lock?.ok) !== 1) return 0; // another instance's relay holds it
      try {
        let total = 0;
        for (;;) {
          const n = await this.publishBatch(runner);
          total += n;
          if (n < (this.opts.batch ?? 100)) return total;
        }
      } finally {
        await runner.query('SELECT RELEASE_LOCK(?)', [this.lockName]);
      }
    } finally {
      await runner.release();
    }
  }

  private async publishBatch(runner: QueryRunner): Promise<number> {
    const table = this.opts.table ?? 'outbox';
    const key = this.opts.shardKey;
    const rows: Row[] = await runner.query(
      `${RELAY_BROADCAST} SELECT seq, event_id, pubsub, topic, payload, traceparent${key ? `, ${key} AS shard_key` : ''}
       FROM \`${table}\` ORDER BY seq LIMIT ?`,
      [this.opts.batch ?? 100],
    );
    const published: Row[] = [];
    try {
      for (const row of rows) {
        // Stops at the first refusal: a later row never overtakes an earlier one.
        await this.publish(row.pubsub, row.topic, JSON.parse(row.payload), row.event_id, row.traceparent ?? undefined);
        published.push(row);
        this.published++;
      }
    } finally {
      // One delete for the batch (a commit per row cost a disk flush per event), one per shard key in
      // a sharded outbox; what was published before a refusal goes too. A crash before it republishes
      // those rows under the same ids.
      if (published.length) {
        await this.remove(runner, table, published);
        countPublished(table, published.length);
      }
    }
    return rows.length;
  }

  private async remove(runner: QueryRunner, table: string, rows: Row[]): Promise<void> {
    const key = this.opts.shardKey;
    const groups = new Map<string, string[]>();
    for (const r of rows) {
      const k = key ? String(r.shard_key ?? '') : '';
      groups.set(k, [...(groups.get(k) ?? []), r.seq]);
    }
    for (const [value, seqs] of groups) {
      const marks = seqs.map(() => '?').join(', ');
      if (key) await runner.query(`DELETE FROM \`${table}\` WHERE ${key} = ? AND seq IN (${marks})`, [value, ...seqs]);
      else await runner.query(`DELETE FROM \`${table}\` WHERE seq IN (${marks})`, seqs);
    }
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    this.again = false;
    try {
      await this.drain();
      this.failures = 0;
    } catch (err) {
      this.failures++;
      this.opts.onError?.(err);
    } finally {
      this.running = false;
    }
    await measureOutbox(this.ds, this.opts.table ?? 'outbox');
    const backoff = Math.min(this.opts.maxBackoffMs ?? 5_000, 100 * 2 ** Math.min(this.failures, 10));
    this.schedule(this.failures ? backoff : this.again ? 0 : (this.opts.pollMs ?? 1_000));
  }
}
