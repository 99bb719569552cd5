import { DataSource } from 'typeorm';
import { CreateOrders1765000000000 } from './migrations/1765000000000-create-orders';

/** Schema changes go through migrations only (never synchronize): they run at start, in order, once. */
export function createOrdersDataSource(url: string): DataSource {
  return new DataSource({
    type: 'mysql',
    url,
    entities: [],
    migrations: [CreateOrders1765000000000],
    migrationsTableName: 'orders_migrations',
    synchronize: false,
    timezone: 'Z',
    extra: { connectionLimit: 20 },
  });
}
