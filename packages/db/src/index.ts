export { underMigrationLock } from './migration-lock';
export {
  DEFAULT_DATABASE_BOUNDS,
  type DatabaseBounds,
  isUnavailable,
  mysqlPoolOptions,
  type QueryBoundsOptions,
  withoutQueryBounds,
  withQueryBounds,
} from './query-bounds';

/**
 * MariaDB/MySQL unique-key violation (ER_DUP_ENTRY), for mapping to a domain conflict. Checked by
 * shape, not instanceof: each service may resolve its own copy of TypeORM.
 */
export function isDuplicateKey(e: unknown): boolean {
  return (e as { driverError?: { code?: string } } | undefined)?.driverError?.code === 'ER_DUP_ENTRY';
}
/** InnoDB chose this transaction as a deadlock's victim and rolled it back whole: safe to run again. */
export function isDeadlock(e: unknown): boolean {
  return (e as { driverError?: { code?: string } } | undefined)?.driverError?.code === 'ER_LOCK_DEADLOCK';
}
export {
  AUDIT_OFF,
  type AppendOptions,
  appendToOutbox,
  type OutboxMessage,
  OutboxRelay,
  type OutboxRelayOptions,
  outboxMigration,
  outboxTableSql,
  outboxShardKeyMigration,
  outboxTraceparentMigration,
  RELAY_BROADCAST,
  shardKeyTriggerSql,
  type Publish,
} from './outbox';
export {
  type DeadLetter,
  type DeadLetterRow,
  deadLetterMigration,
  deadLetterTableSql,
  listDeadLetters,
  replayDeadLetters,
  storeDeadLetter,
} from './dead-letters';
export { auditStatement, captureSql, type StatementAudit, shardedTablesOf } from './shard-key-audit';
