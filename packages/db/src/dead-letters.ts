import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Poison messages, kept where an operator can see and replay them. A service's subscriptions name a
 * dead-letter topic; Dapr moves a delivery there after the handler answered DROP (a message that will
 * never parse) or the retries ran out. The service subscribes to that topic and stores each message
 * here (once per event id); `replayDeadLetters` puts them back into the outbox under their original
 * topic and id, so the relay publishes them again and consumers still deduplicate.
 */
export function deadLetterTableSql(table = 'dead_letters'): string {
  return `CREATE TABLE IF NOT EXISTS \`${table}\` (
    event_id VARCHAR(200) NOT NULL PRIMARY KEY,
    pubsub VARCHAR(100) NOT NULL,
    topic VARCHAR(200) NOT NULL,
    payload LONGTEXT NOT NULL,
    received_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    replayed_at DATETIME(3) NULL
  ) ENGINE=InnoDB`;
}

export function deadLetterMigration(name: string, table = 'dead_letters'): new () => MigrationInterface {
  return class implements MigrationInterface {
    name = name;
    async up(q: QueryRunner): Promise<void> {
      await q.query(deadLetterTableSql(table));
    }
    async down(q: QueryRunner): Promise<void> {
      await q.query(`DROP TABLE \`${table}\``);
    }
  };
}

export interface DeadLetter {
  eventId: string;
  pubsub: string;
  /** The topic it was first published on (the CloudEvent's `topic`). */
  topic: string;
  data: unknown;
}

/** Stores a dead letter; a redelivery of the same event is a no-op. */
export async function storeDeadLetter(ds: DataSource, letter: DeadLetter, table = 'dead_letters'): Promise<void> {
  await ds.query(`INSERT IGNORE INTO \`${table}\` (event_id, pubsub, topic, payload) VALUES (?, ?, ?, ?)`, [
    letter.eventId,
    letter.pubsub,
    letter.topic,
    JSON.stringify(letter.data ?? null),
  ]);
}

export interface DeadLetterRow {
  eventId: string;
  topic: string;
  receivedAt: Date;
  replayedAt: Date | null;
}

export async function listDeadLetters(ds: DataSource, table = 'dead_letters'): Promise<DeadLetterRow[]> {
  const rows = await ds.query(
    `SELECT event_id, topic, received_at, replayed_at FROM \`${table}\` ORDER BY received_at`,
  );
  return (rows as { event_id: string; topic: string; received_at: Date; replayed_at: Date | null }[]).map((r) => ({
    eventId: r.event_id,
    topic: r.topic,
    receivedAt: r.received_at,
    replayedAt: r.replayed_at,
  }));
}

/** Moves not-yet-replayed dead letters (or one, by id) into the outbox in one transaction; how many. */
export async function replayDeadLetters(
  ds: DataSource,
  opts: { eventId?: string; table?: string; outbox?: string } = {},
): Promise<number> {
  const table = opts.table ?? 'dead_letters';
  const outbox = opts.outbox ?? 'outbox';
  return ds.transaction(async (m) => {
    const where = opts.eventId ? 'AND event_id = ?' : '';
    const params = opts.eventId ? [opts.eventId] : [];
    const inserted = await m.query(
      `INSERT INTO \`${outbox}\` (event_id, pubsub, topic, payload)
       SELECT event_id, pubsub, topic, payload FROM \`${table}\` WHERE replayed_at IS NULL ${where} ORDER BY received_at`,
      params,
    );
    await m.query(
      `UPDATE \`${table}\` SET replayed_at = CURRENT_TIMESTAMP(3) WHERE replayed_at IS NULL ${where}`,
      params,
    );
    return Number((inserted as { affectedRows?: number }).affectedRows ?? 0);
  });
}
