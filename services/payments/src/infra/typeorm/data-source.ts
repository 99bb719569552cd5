import { DataSource } from 'typeorm';
import { CreatePayments1765100000000 } from './migrations/1765100000000-create-payments';
import { Outbox1765100000001 } from './migrations/1765100000001-outbox';
import { WebhookEvents1765100000002 } from './migrations/1765100000002-webhook-events';
import { CaptureRef1765100000003 } from './migrations/1765100000003-capture-ref';

/**
 * Schema changes go through migrations only (never synchronize). No entities: every write is a
 * conditional statement (claim by attempt, reserve within the capture) whose affected-row count is
 * the decision, which reads plainer as SQL than through a repository's change tracking.
 */
export function createPaymentsDataSource(url: string, poolSize = 10): DataSource {
  return new DataSource({
    type: 'mysql',
    url,
    entities: [],
    migrations: [CreatePayments1765100000000, Outbox1765100000001, WebhookEvents1765100000002, CaptureRef1765100000003],
    migrationsTableName: 'payments_migrations',
    synchronize: false,
    timezone: 'Z',
    // Bounded: a new connection that never greets fails in 2 s; callers beyond the queue are refused
    // (503) instead of waiting without limit. Statements are bounded by the server (max_statement_time
    // in the URL's session settings is not portable, so repository statements carry their own).
    connectTimeout: 2_000,
    extra: { connectionLimit: poolSize, queueLimit: 100, waitForConnections: true },
  });
}
