import { DEFAULT_DATABASE_BOUNDS, mysqlPoolOptions, withQueryBounds } from '@dbcarts/db';
import { DependencyUnavailableError } from '@dbcarts/errors';
import { DataSource } from 'typeorm';
import { CreateNotifications1765000000000 } from './migrations/1765000000000-create-notifications';

// Every query bounded (DEFAULT_DATABASE_BOUNDS): a database that does not answer makes a delivery
// answer RETRY and a list request 503, instead of holding either. The email send inside a delivery's
// transaction is not a query: the mailer bounds it (SMTP_TIMEOUT_MS).
const NotificationsDataSource = withQueryBounds(DataSource, {
  queryTimeoutMs: DEFAULT_DATABASE_BOUNDS.queryTimeoutMs,
  unavailable: (reason) =>
    new DependencyUnavailableError('notifications database', reason, { publicName: 'The notifications service' }),
});

/** Schema changes go through migrations only (never synchronize): they run at start, in order, once. */
export function createNotificationsDataSource(url: string): DataSource {
  return new NotificationsDataSource({
    type: 'mysql',
    url,
    entities: [],
    migrations: [CreateNotifications1765000000000],
    migrationsTableName: 'notifications_migrations',
    synchronize: false,
    timezone: 'Z',
    // Each delivery holds a connection while its email is sent (the record commits after the send):
    // the pool bounds how many sends run at once; past its queue a delivery fails fast and is retried.
    ...mysqlPoolOptions(),
  });
}
