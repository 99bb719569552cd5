import { DataSource } from 'typeorm';
import { CreateNotifications1765000000000 } from './migrations/1765000000000-create-notifications';

/** Schema changes go through migrations only (never synchronize): they run at start, in order, once. */
export function createNotificationsDataSource(url: string): DataSource {
  return new DataSource({
    type: 'mysql',
    url,
    entities: [],
    migrations: [CreateNotifications1765000000000],
    migrationsTableName: 'notifications_migrations',
    synchronize: false,
    timezone: 'Z',
    // Each delivery holds a connection while its email is sent (the record commits after the send):
    // the pool bounds how many sends run at once; the rest wait for a connection, not a 500.
    extra: { connectionLimit: 10, connectTimeout: 5_000 },
  });
}
