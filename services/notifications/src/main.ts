import '@dbcarts/telemetry/register';
import 'reflect-metadata';
import { baseServiceEnv, env, loadConfig, z } from '@dbcarts/config';
import { Sidecar, SubscriptionRouter } from '@dbcarts/dapr';
import { underMigrationLock } from '@dbcarts/db';
import { createHttpApp, serve } from '@dbcarts/http';
import { createLogger } from '@dbcarts/logging';
import { container } from 'tsyringe';
import { DeadLettersUseCase } from './app/dead-letters.use-case';
import { ListNotificationsUseCase } from './app/list-notifications.use-case';
import { NOTIFICATIONS } from './app/notifications.tokens';
import { NotifyAfterSalesEventUseCase } from './app/notify-after-sales-event.use-case';
import { NotifyOrderEventUseCase } from './app/notify-order-event.use-case';
import { afterSalesEventSubscriptions } from './http/after-sales-events.subscriptions';
import { notificationsRoutes } from './http/notifications.routes';
import { orderEventSubscriptions } from './http/order-events.subscriptions';
import { DaprEventPublisher } from './infra/dapr-event.publisher';
import { DaprSmtpMailer } from './infra/dapr-smtp.mailer';
import { createNotificationsDataSource } from './infra/typeorm/data-source';
import { TypeormDeadLetterStore } from './infra/typeorm/typeorm-dead-letter.store';
import { TypeormNotificationRepository } from './infra/typeorm/typeorm-notification.repository';

async function main(): Promise<void> {
  const config = loadConfig(
    z.object({
      ...baseServiceEnv,
      DB_URL: z.string().startsWith('mysql://'),
      /** The Dapr output binding that sends email (components/default/smtp.yaml). */
      SMTP_BINDING: env.string('smtp'),
      SMTP_TIMEOUT_MS: env.int(10_000, 100),
    }),
  );
  const log = createLogger('notifications', config.LOG_LEVEL);
  const sidecar = new Sidecar({ host: config.DAPR_HOST, httpPort: config.DAPR_HTTP_PORT });

  const ds = createNotificationsDataSource(config.DB_URL);
  await ds.initialize();
  await underMigrationLock(ds, async () => {
    const ran = await ds.runMigrations({ transaction: 'each' });
    if (ran.length) log.info({ migrations: ran.map((m) => m.name) }, 'migrations applied');
  });

  container.register(NOTIFICATIONS.Notifications, { useValue: new TypeormNotificationRepository(ds) });
  container.register(NOTIFICATIONS.Mailer, {
    useValue: new DaprSmtpMailer(sidecar, config.SMTP_BINDING, config.SMTP_TIMEOUT_MS),
  });
  container.register(NOTIFICATIONS.DeadLetters, { useValue: new TypeormDeadLetterStore(ds) });
  container.register(NOTIFICATIONS.Publisher, { useValue: new DaprEventPublisher(sidecar) });
  const deadLetters = container.resolve(DeadLettersUseCase);

  const subscriptions = new SubscriptionRouter(log);
  for (const sub of orderEventSubscriptions({ notify: container.resolve(NotifyOrderEventUseCase), deadLetters }, log)) {
    subscriptions.subscribe(sub);
  }
  for (const sub of afterSalesEventSubscriptions(container.resolve(NotifyAfterSalesEventUseCase), log)) {
    subscriptions.subscribe(sub);
  }

  const app = createHttpApp({
    service: 'notifications',
    logger: log,
    // Reached only through Dapr: every route but the probes needs the sidecar's token.
    sidecarOnly: { token: config.APP_API_TOKEN },
    readiness: {
      sidecar: () => sidecar.health(),
      database: async () => void (await ds.query('SELECT 1')),
    },
    routes: (a) => {
      subscriptions.mount(a);
      a.use(notificationsRoutes({ list: container.resolve(ListNotificationsUseCase), deadLetters }));
    },
  });
  await serve(app, {
    port: config.APP_PORT,
    host: config.APP_HOST,
    logger: log,
    onShutdown: [() => ds.destroy()],
  });
  log.info({ port: config.APP_PORT }, 'notifications listening');
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
