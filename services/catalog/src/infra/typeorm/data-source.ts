import { DEFAULT_DATABASE_BOUNDS, mysqlPoolOptions, withQueryBounds } from '@dbcarts/db';
import { DependencyUnavailableError } from '@dbcarts/errors';
import { DataSource } from 'typeorm';
import { CategoryEntity } from './category.entity';
import { CreateCatalog1764000000000 } from './migrations/1764000000000-create-catalog';
import { ProductDetails1764100000000 } from './migrations/1764100000000-product-details';
import { AvailabilityReadModel1764200000000 } from './migrations/1764200000000-availability-read-model';
import { Outbox1764300000000 } from './migrations/1764300000000-outbox';
import { OutboxTraceparent1764400000000 } from './migrations/1764400000000-outbox-traceparent';
import { ProductEntity } from './product.entity';

// Every query bounded (DEFAULT_DATABASE_BOUNDS); a database that does not answer is the catalog being unavailable.
const CatalogDataSource = withQueryBounds(DataSource, {
  queryTimeoutMs: DEFAULT_DATABASE_BOUNDS.queryTimeoutMs,
  unavailable: (reason) =>
    new DependencyUnavailableError('catalog database', reason, { publicName: 'The catalog service' }),
});

/** Schema changes go through migrations only (never synchronize): they run at start, in order, once. */
export function createCatalogDataSource(url: string): DataSource {
  return new CatalogDataSource({
    type: 'mysql',
    url,
    entities: [CategoryEntity, ProductEntity],
    migrations: [
      CreateCatalog1764000000000,
      ProductDetails1764100000000,
      AvailabilityReadModel1764200000000,
      Outbox1764300000000,
      OutboxTraceparent1764400000000,
    ],
    migrationsTableName: 'catalog_migrations',
    synchronize: false,
    timezone: 'Z',
    ...mysqlPoolOptions(),
  });
}
