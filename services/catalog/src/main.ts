import '@dbcarts/telemetry/register';
import 'reflect-metadata';
import { baseServiceEnv, env, loadConfig, z } from '@dbcarts/config';
import { Sidecar, SubscriptionRouter } from '@dbcarts/dapr';
import { OutboxRelay, underMigrationLock } from '@dbcarts/db';
import { AVAILABILITY_CHANGED_TOPIC, AvailabilityChangedEvent } from '@dbcarts/inventory/contract';
import { createHttpApp, serve } from '@dbcarts/http';
import { createLogger } from '@dbcarts/logging';
import { container } from 'tsyringe';
import { ApplyAvailabilityUseCase } from './app/apply-availability.use-case';
import { BrowseCatalogUseCase } from './app/browse-catalog.use-case';
import { CATALOG } from './app/catalog.tokens';
import { ManageCatalogUseCase } from './app/manage-catalog.use-case';
import { catalogRoutes } from './http/catalog.routes';
import { createCatalogDataSource } from './infra/typeorm/data-source';
import { seedCatalog } from './infra/typeorm/catalog.seed';
import { DaprProductCacheAdapter } from './infra/dapr-product-cache.adapter';
import { TypeormProductRepository } from './infra/typeorm/typeorm-product.repository';

async function main(): Promise<void> {
  const config = loadConfig(
    z.object({ ...baseServiceEnv, DB_URL: z.string().startsWith('mysql://'), SEED_CATALOG_PRODUCTS: env.int(0) }),
  );
  const log = createLogger('catalog', config.LOG_LEVEL);
  const sidecar = new Sidecar({ host: config.DAPR_HOST, httpPort: config.DAPR_HTTP_PORT });

  const ds = createCatalogDataSource(config.DB_URL);
  await ds.initialize();
  await underMigrationLock(ds, async () => {
    const ran = await ds.runMigrations({ transaction: 'each' });
    if (ran.length) log.info({ migrations: ran.map((m) => m.name) }, 'migrations applied');
    if (config.SEED_CATALOG_PRODUCTS > 0) {
      const inserted = await seedCatalog(
        ds,
        config.SEED_CATALOG_PRODUCTS,
        (n) => n % 10_000 === 0 && log.info({ n }, 'seeding'),
      );
      if (inserted) log.info({ inserted }, 'catalog seeded');
    }
  });

  // Product writes commit their catalog.product-changed rows; the relay publishes them after.
  const relay = new OutboxRelay(
    ds,
    (pubsub, topic, data, id, traceparent) => sidecar.publish(pubsub, topic, data, { id, traceparent }),
    {
      onError: (err) => log.warn({ err }, 'outbox relay: publish failed; retrying'),
    },
  );
  relay.start();
  container.register(CATALOG.Products, { useValue: new TypeormProductRepository(ds, () => relay.wake()) });
  container.register(CATALOG.Cache, { useValue: new DaprProductCacheAdapter(sidecar) });
  container.register(CATALOG.Log, { useValue: log });
  const availability = container.resolve(ApplyAvailabilityUseCase);
  setInterval(() => void availability.flush(), 250).unref();
  const subscriptions = new SubscriptionRouter(log).subscribe({
    pubsubName: 'pubsub',
    topic: AVAILABILITY_CHANGED_TOPIC,
    route: '/events/inventory/availability-changed',
    handler: async (event) => {
      const report = AvailabilityChangedEvent.safeParse(event.data);
      // A malformed event will never parse: drop it (dead-lettered) instead of retrying forever.
      if (!report.success) return 'DROP';
      await availability.execute(report.data); // a database fault throws: RETRY
      return 'SUCCESS';
    },
  });

  const app = createHttpApp({
    service: 'catalog',
    logger: log,
    // Reached only through Dapr: every route but the probes needs the sidecar's token.
    sidecarOnly: { token: config.APP_API_TOKEN },
    readiness: {
      sidecar: () => sidecar.health(),
      database: async () => void (await ds.query('SELECT 1')),
    },
    routes: (a) => {
      subscriptions.mount(a);
      a.use(
        catalogRoutes({
          browse: container.resolve(BrowseCatalogUseCase),
          manage: container.resolve(ManageCatalogUseCase),
        }),
      );
    },
  });
  await serve(app, {
    port: config.APP_PORT,
    host: config.APP_HOST,
    logger: log,
    onShutdown: [() => relay.shutdown(), () => ds.destroy()],
  });
  log.info({ port: config.APP_PORT }, 'catalog listening');
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
