import { DEFAULT_DATABASE_BOUNDS, mysqlPoolOptions, withQueryBounds } from '@dbcarts/db';
import { DependencyUnavailableError } from '@dbcarts/errors';
import { DataSource } from 'typeorm';
import { CreateAfterSales1765400000000, Outbox1765400000001, OutboxTraceparent1765400000002 } from './migrations';

// Every query bounded like the other services' (DEFAULT_DATABASE_BOUNDS): a database that does not
// answer is after-sales being unavailable (503), never a request hanging on it.
const AfterSalesDataSource = withQueryBounds(DataSource, {
  queryTimeoutMs: DEFAULT_DATABASE_BOUNDS.queryTimeoutMs,
  unavailable: (reason) =>
    new DependencyUnavailableError('after-sales database', reason, { publicName: 'The after-sales service' }),
});

/** Schema changes go through migrations only (never synchronize): they run at start, in order, once. */
export function createAfterSalesDataSource(url: string): DataSource {
  return new AfterSalesDataSource({
    type: 'mysql',
    url,
    entities: [],
    migrations: [CreateAfterSales1765400000000, Outbox1765400000001, OutboxTraceparent1765400000002],
    migrationsTableName: 'after_sales_migrations',
    synchronize: false,
    timezone: 'Z',
    ...mysqlPoolOptions(),
  });
}
