import { DEFAULT_DATABASE_BOUNDS, mysqlPoolOptions, withQueryBounds } from '@dbcarts/db';
import { DependencyUnavailableError } from '@dbcarts/errors';
import { DataSource } from 'typeorm';
import { CreateOrders1765000000000 } from './migrations/1765000000000-create-orders';
import { DeadLetters1765100000000 } from './migrations/1765100000000-dead-letters';
import { OutboxTraceparent1765200000000 } from './migrations/1765200000000-outbox-traceparent';
import { LinePolicyFacts1765300000000 } from './migrations/1765300000000-line-policy-facts';
import { ShardKey1765400000000 } from './migrations/1765400000000-shard-key';

// Every query bounded (DEFAULT_DATABASE_BOUNDS); a database that does not answer is orders being unavailable.
const OrdersDataSource = withQueryBounds(DataSource, {
  queryTimeoutMs: DEFAULT_DATABASE_BOUNDS.queryTimeoutMs,
  unavailable: (reason) =>
    new DependencyUnavailableError('orders database', reason, { publicName: 'The order service' }),
});

/** Schema changes go through migrations only (never synchronize): they run at start, in order, once. */
export function createOrdersDataSource(url: string): DataSource {
  return new OrdersDataSource({
    type: 'mysql',
    url,
    entities: [],
    migrations: [
      CreateOrders1765000000000,
      DeadLetters1765100000000,
      OutboxTraceparent1765200000000,
      LinePolicyFacts1765300000000,
      ShardKey1765400000000,
    ],
    migrationsTableName: 'orders_migrations',
    synchronize: false,
    timezone: 'Z',
    // Checkout holds a connection per saga step: a larger pool than the default, still queue-bounded.
    ...mysqlPoolOptions({ ...DEFAULT_DATABASE_BOUNDS, poolSize: 20 }),
  });
}
