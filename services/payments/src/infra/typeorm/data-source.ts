import { DEFAULT_DATABASE_BOUNDS, mysqlPoolOptions, withQueryBounds } from '@dbcarts/db';
import { DependencyUnavailableError } from '@dbcarts/errors';
import { DataSource } from 'typeorm';
import { CreatePayments1765100000000 } from './migrations/1765100000000-create-payments';
import { Outbox1765100000001 } from './migrations/1765100000001-outbox';
import { WebhookEvents1765100000002 } from './migrations/1765100000002-webhook-events';
import { CaptureRef1765100000003 } from './migrations/1765100000003-capture-ref';
import { OutboxTraceparent1765100000004 } from './migrations/1765100000004-outbox-traceparent';
import { ShardKey1765100000005 } from './migrations/1765100000005-shard-key';

// Every query bounded like the other services' (DEFAULT_DATABASE_BOUNDS): a database that does not
// answer is payments being unavailable, never a request hanging on it.
const PaymentsDataSource = withQueryBounds(DataSource, {
  queryTimeoutMs: DEFAULT_DATABASE_BOUNDS.queryTimeoutMs,
  unavailable: (reason) =>
    new DependencyUnavailableError('payments database', reason, { publicName: 'The payment service' }),
});

/**
 * Schema changes go through migrations only (never synchronize). No entities: every write is a
 * conditional statement (claim by attempt, reserve within the capture) whose affected-row count is
 * the decision, which reads plainer as SQL than through a repository's change tracking.
 */
export function createPaymentsDataSource(url: string, poolSize = DEFAULT_DATABASE_BOUNDS.poolSize): DataSource {
  return new PaymentsDataSource({
    type: 'mysql',
    url,
    entities: [],
    migrations: [
      CreatePayments1765100000000,
      Outbox1765100000001,
      WebhookEvents1765100000002,
      CaptureRef1765100000003,
      OutboxTraceparent1765100000004,
      ShardKey1765100000005,
    ],
    migrationsTableName: 'payments_migrations',
    synchronize: false,
    timezone: 'Z',
    ...mysqlPoolOptions({ ...DEFAULT_DATABASE_BOUNDS, poolSize }),
  });
}
