import '@dbcarts/telemetry/register';
import 'reflect-metadata';
import { baseServiceEnv, env, loadConfig, z } from '@dbcarts/config';
import { Sidecar } from '@dbcarts/dapr';
import { OutboxRelay, underMigrationLock } from '@dbcarts/db';
import { createHttpApp, serve } from '@dbcarts/http';
import { createLogger } from '@dbcarts/logging';
import { createOrdersClient } from '@dbcarts/orders/client';
import { createUsersClient } from '@dbcarts/users/client';
import { container } from 'tsyringe';
import { AFTER_SALES } from './app/after-sales.tokens';
import { SupportUseCase } from './app/support.use-case';
import { WarrantyUseCase } from './app/warranty.use-case';
import { afterSalesRoutes } from './http/after-sales.routes';
import { OrdersLineAdapter, UsersCustomerAdapter } from './infra/clients.adapters';
import { createAfterSalesDataSource } from './infra/typeorm/data-source';
import { SqlIdempotencyStore } from './infra/typeorm/sql-idempotency.store';
import { SqlSupportRepository } from './infra/typeorm/sql-support.repository';
import { SqlWarrantyRepository } from './infra/typeorm/sql-warranty.repository';

async function main(): Promise<void> {
  const config = loadConfig(
    z.object({
      ...baseServiceEnv,
      DB_URL: z.string().startsWith('mysql://'),
      /** The outbox relay publishes right after each commit, and polls this often for rows left behind. */
      OUTBOX_POLL_MS: env.int(1_000, 10),
      /** Bound of a call to the orders service (a line read). */
      ORDERS_TIMEOUT_MS: env.int(3_000, 100),
      /** How long an Idempotency-Key's answer stays replayable (the contract promises at least 24 h). */
      IDEMPOTENCY_KEY_HOURS: env.int(72, 24),
      /** How often keys older than that are swept. */
      IDEMPOTENCY_SWEEP_MS: env.int(3_600_000, 1_000),
    }),
  );
  const log = createLogger('after-sales', config.LOG_LEVEL);
  const sidecar = new Sidecar({ host: config.DAPR_HOST, httpPort: config.DAPR_HTTP_PORT });

  const ds = createAfterSalesDataSource(config.DB_URL);
  await ds.initialize();
  await underMigrationLock(ds, async () => {
    const ran = await ds.runMigrations({ transaction: 'each' });
    if (ran.length) log.info({ migrations: ran.map((m) => m.name) }, 'migrations applied');
  });

  const relay = new OutboxRelay(
    ds,
    (pubsub, topic, data, id, traceparent) => sidecar.publish(pubsub, topic, data, { id, traceparent }),
    { pollMs: config.OUTBOX_POLL_MS, onError: (err) => log.warn({ err }, 'outbox relay: publish failed; retrying') },
  );
  const wake = () => relay.wake();
  container.register(AFTER_SALES.Clock, { useValue: () => new Date() });
  const keys = new SqlIdempotencyStore(ds);
  container.register(AFTER_SALES.Idempotency, { useValue: keys });
  const sweep = setInterval(() => {
    const before = new Date(Date.now() - config.IDEMPOTENCY_KEY_HOURS * 3_600_000);
    keys.sweep(before).then(
      (n) => n && log.info({ swept: n, before }, 'idempotency keys past their retention removed'),
      (err) => log.warn({ err }, 'idempotency key sweep failed; the next one retries'),
    );
  }, config.IDEMPOTENCY_SWEEP_MS);
  sweep.unref();
  container.register(AFTER_SALES.Warranties, { useValue: new SqlWarrantyRepository(ds, wake) });
  container.register(AFTER_SALES.Support, { useValue: new SqlSupportRepository(ds, wake) });
  container.register(AFTER_SALES.OrderLines, {
    useValue: new OrdersLineAdapter(createOrdersClient(sidecar, undefined, config.ORDERS_TIMEOUT_MS)),
  });
  container.register(AFTER_SALES.Customers, { useValue: new UsersCustomerAdapter(createUsersClient(sidecar)) });

  const app = createHttpApp({
    service: 'after-sales',
    logger: log,
    // Reached only through Dapr (the gateway's after-sales routes).
    sidecarOnly: { token: config.APP_API_TOKEN },
    readiness: {
      sidecar: () => sidecar.health(),
      database: async () => void (await ds.query('SELECT 1')),
    },
    routes: (a) => {
      a.use(
        afterSalesRoutes({ warranty: container.resolve(WarrantyUseCase), support: container.resolve(SupportUseCase) }),
      );
    },
  });
  relay.start();
  await serve(app, {
    port: config.APP_PORT,
    host: config.APP_HOST,
    logger: log,
    onShutdown: [async () => clearInterval(sweep), () => relay.shutdown(), () => ds.destroy()],
  });
  log.info({ port: config.APP_PORT }, 'after-sales listening');
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
