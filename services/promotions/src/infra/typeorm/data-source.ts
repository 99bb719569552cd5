import { DEFAULT_DATABASE_BOUNDS, mysqlPoolOptions, withQueryBounds } from '@dbcarts/db';
import { DependencyUnavailableError } from '@dbcarts/errors';
import { DataSource } from 'typeorm';
import { CreatePromotions1765200000000 } from './migrations/1765200000000-create-promotions';

// Every query bounded like the other services' (DEFAULT_DATABASE_BOUNDS): a database that does not
// answer is promotions being unavailable, never a request hanging on it.
const PromotionsDataSource = withQueryBounds(DataSource, {
  queryTimeoutMs: DEFAULT_DATABASE_BOUNDS.queryTimeoutMs,
  unavailable: (reason) =>
    new DependencyUnavailableError('promotions database', reason, { publicName: 'The promotions service' }),
});

/**
 * Schema changes go through migrations only (never synchronize). No entities: every cap decision is
 * a conditional UPDATE whose affected-row count is the answer, which reads plainer as SQL.
 */
export function createPromotionsDataSource(url: string, poolSize = DEFAULT_DATABASE_BOUNDS.poolSize): DataSource {
  return new PromotionsDataSource({
    type: 'mysql',
    url,
    entities: [],
    migrations: [CreatePromotions1765200000000],
    migrationsTableName: 'promotions_migrations',
    synchronize: false,
    timezone: 'Z',
    ...mysqlPoolOptions({ ...DEFAULT_DATABASE_BOUNDS, poolSize }),
  });
}
