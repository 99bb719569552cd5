import '@dbcarts/telemetry/register';
import 'reflect-metadata';
import { createCatalogClient } from '@dbcarts/catalog/client';
import { createPromotionsClient } from '@dbcarts/promotions/client';
import { ConcurrencyLimit } from '@dbcarts/concurrency';
import { baseServiceEnv, env, loadConfig, z } from '@dbcarts/config';
import {
  type CloudEvent,
  type DeliveryStatus,
  LiveSetting,
  liveValue,
  Sidecar,
  SubscriptionRouter,
} from '@dbcarts/dapr';
import { OutboxRelay, storeDeadLetter, underMigrationLock } from '@dbcarts/db';
import { createHttpApp, serve } from '@dbcarts/http';
import { createInventoryClient } from '@dbcarts/inventory/client';
import { createLogger } from '@dbcarts/logging';
import { createPaymentsClient } from '@dbcarts/payments/client';
import { createUsersClient } from '@dbcarts/users/client';
import { container } from 'tsyringe';
import { ORDER_EVENTS, type OrderEvent } from '../contract';
import { CartUseCase } from './app/cart.use-case';
import { ManageOrderUseCase } from './app/manage-order.use-case';
import { OrderEventsUseCase } from './app/order-events.use-case';
import { ORDERS, type OrdersSettings } from './app/orders.tokens';
import { PlaceOrderUseCase } from './app/place-order.use-case';
import { RecoverOrders } from './app/recover-orders';
import { type ClaimDecided, WarrantyRefundUseCase } from './app/warranty-refund.use-case';
import { WarrantyReplacementUseCase } from './app/warranty-replacement.use-case';
import { ordersRoutes } from './http/orders.routes';
import {
  CatalogPricingAdapter,
  InventoryStockAdapter,
  PaymentsAdapter,
  UsersCustomerAdapter,
} from './infra/checkout.adapters';
import { DaprCartStore } from './infra/dapr-cart.store';
import { createOrdersDataSource } from './infra/typeorm/data-source';
import { SqlInvoiceStore, SqlOrderHistory } from './infra/typeorm/sql-read-models';
import { PromotionsAdapter } from './infra/promotions.adapter';
import { SqlOrderRepository } from './infra/typeorm/sql-order.repository';

const DEAD_LETTER_TOPIC = 'orders.dead-letter';
const PROMOTIONS_ENABLED_KEY = 'orders.promotions.enabled';

async function main(): Promise<void> {
  const config = loadConfig(
    z.object({
      ...baseServiceEnv,
      DB_URL: z.string().startsWith('mysql://'),
      /** A pending order whose saga has not moved for this long is finished or undone (above any request's bound). */
      ORDER_SAGA_STALE_SECONDS: env.int(60, 1),
      ORDER_RECOVERY_INTERVAL_MS: env.int(10_000, 100),
      /** Event deliveries handled at once; the broker hands over up to prefetchCount (64) per topic. */
      ORDER_EVENT_CONCURRENCY: env.int(8, 1),
      /** The outbox relay publishes right after each commit, and polls this often for rows left behind. */
      OUTBOX_POLL_MS: env.int(1_000, 10),
      /** false: a poll-only relay (fewer, larger batches; events trail by up to OUTBOX_POLL_MS). */
      OUTBOX_WAKE_ON_COMMIT: env.bool(true),
    }),
  );
  const log = createLogger('orders', config.LOG_LEVEL);
  const sidecar = new Sidecar({ host: config.DAPR_HOST, httpPort: config.DAPR_HTTP_PORT });
  await sidecar.waitUntilReady();

  const ds = createOrdersDataSource(config.DB_URL);
  await ds.initialize();
  await underMigrationLock(ds, () => ds.runMigrations({ transaction: 'each' }));

  const relay = new OutboxRelay(
    ds,
    (pubsub, topic, data, id, traceparent) => sidecar.publish(pubsub, topic, data, { id, traceparent }),
    {
      pollMs: config.OUTBOX_POLL_MS,
      // Sharded by customer (deploy/k8s/sharding): published rows are deleted per customer_id.
      shardKey: 'customer_id',
      onError: (err) => log.warn({ err }, 'outbox relay: publish failed; retrying'),
    },
  );
  const wake = config.OUTBOX_WAKE_ON_COMMIT ? () => relay.wake() : () => undefined;
  container.register(ORDERS.Orders, { useValue: new SqlOrderRepository(ds, wake) });
  container.register(ORDERS.Stock, { useValue: new InventoryStockAdapter(createInventoryClient(sidecar)) });
  container.register(ORDERS.Pricing, { useValue: new CatalogPricingAdapter(createCatalogClient(sidecar)) });
  container.register(ORDERS.Payments, { useValue: new PaymentsAdapter(createPaymentsClient(sidecar)) });
  // Promotions on/off is a live switch (Dapr Configuration), applied to the next order within 1 s.
  const promotionsOn = new LiveSetting(sidecar, log, PROMOTIONS_ENABLED_KEY, liveValue.boolean, true).start(500);
  container.register(ORDERS.Promotions, {
    useValue: new PromotionsAdapter(createPromotionsClient(sidecar), () => promotionsOn.current),
  });
  container.register(ORDERS.Customers, { useValue: new UsersCustomerAdapter(createUsersClient(sidecar)) });
  container.register(ORDERS.Carts, { useValue: new DaprCartStore(sidecar) });
  container.register(ORDERS.History, { useValue: new SqlOrderHistory(ds) });
  container.register(ORDERS.Invoices, { useValue: new SqlInvoiceStore(ds) });
  container.register<OrdersSettings>(ORDERS.Settings, { useValue: { staleSeconds: config.ORDER_SAGA_STALE_SECONDS } });
  container.register(ORDERS.Log, { useValue: log });

  const events = container.resolve(OrderEventsUseCase);
  const subscriptions = new SubscriptionRouter(log);
  // Dapr takes ONE subscription per topic and app: each topic's consumers run in turn on its route.
  // Every one is idempotent (history by version, invoice by order, settlement by order/return id), so
  // a RETRY caused by one of them repeats the others harmlessly.
  type Consumer = (e: OrderEvent, topic: string) => Promise<unknown>;
  const consumers: Record<string, Consumer[]> = {};
  for (const topic of Object.values(ORDER_EVENTS)) consumers[topic] = [(e) => events.project(e)];
  consumers[ORDER_EVENTS.confirmed]?.push((e) => events.invoice(e));
  consumers[ORDER_EVENTS.cancelled]?.push((e, t) => events.settle(e, t));
  consumers[ORDER_EVENTS.returned]?.push((e, t) => events.settle(e, t));
  // Each delivery holds a database connection: a bounded number at once leaves the pool to checkout.
  const deliveries = new ConcurrencyLimit(config.ORDER_EVENT_CONCURRENCY);
  for (const [topic, handlers] of Object.entries(consumers)) {
    subscriptions.subscribe({
      pubsubName: 'pubsub',
      topic,
      route: `/events/${topic}`,
      deadLetterTopic: DEAD_LETTER_TOPIC,
      handler: async (ce: CloudEvent): Promise<DeliveryStatus> => {
        const e = ce.data as OrderEvent;
        // Malformed: it will never parse, so it goes to the dead-letter topic instead of retrying forever.
        if (typeof e?.orderId !== 'string' || typeof e.version !== 'number') return 'DROP';
        await deliveries.run(async () => {
          for (const handle of handlers) await handle(e, topic); // a fault throws: RETRY
        });
        return 'SUCCESS';
      },
    });
  }
  // after-sales' warranty.claim-decided: a claim ended `refunded` gives the unit's money back, one
  // ended `replaced` places a zero-price order for a new unit (payments is reached by orders only, and
  // orders owns orders). Both idempotent by claim; a refusal is dead-lettered for support.
  const warrantyRefunds = container.resolve(WarrantyRefundUseCase);
  const replacements = container.resolve(WarrantyReplacementUseCase);
  subscriptions.subscribe({
    pubsubName: 'pubsub',
    topic: 'warranty.claim-decided',
    route: '/events/warranty.claim-decided',
    deadLetterTopic: DEAD_LETTER_TOPIC,
    handler: async (ce: CloudEvent): Promise<DeliveryStatus> => {
      const e = ce.data as Partial<Record<'claimId' | 'orderId' | 'customerId' | 'sku' | 'status', unknown>>;
      const fields = [e?.claimId, e?.orderId, e?.customerId, e?.sku, e?.status];
      if (!fields.every((f) => typeof f === 'string' && f.length > 0 && f.length <= 64)) return 'DROP';
      const claim = e as ClaimDecided;
      const outcomes = await deliveries.run(async () => [
        await warrantyRefunds.execute(claim),
        await replacements.execute(claim),
      ]);
      if (!outcomes.includes('refused')) return 'SUCCESS';
      log.warn(
        { eventId: ce.id, claimId: claim.claimId, status: claim.status },
        'warranty resolution refused: dead-lettered',
      );
      return 'DROP';
    },
  });
  // Poison deliveries land here and are kept for `npm run dead-letters` (list, replay).
  subscriptions.subscribe({
    pubsubName: 'pubsub',
    topic: DEAD_LETTER_TOPIC,
    route: '/events/orders/dead-letter',
    handler: async (ce) => {
      await storeDeadLetter(ds, { eventId: ce.id, pubsub: 'pubsub', topic: ce.topic ?? 'unknown', data: ce.data });
      return 'SUCCESS';
    },
  });

  const recovery = container.resolve(RecoverOrders);
  const sweep = () =>
    recovery
      .sweep()
      .then((n) => n && log.warn({ orders: n }, 'recovery sweep settled stale pending orders'))
      .catch((err) => log.error({ err }, 'recovery sweep failed'));
  void sweep();
  const sweeper = setInterval(sweep, config.ORDER_RECOVERY_INTERVAL_MS);
  sweeper.unref();
  relay.start();

  const app = createHttpApp({
    service: 'orders',
    logger: log,
    sidecarOnly: { token: config.APP_API_TOKEN },
    readiness: {
      sidecar: () => sidecar.health(),
      database: async () => void (await ds.query('SELECT 1')),
    },
    routes: (a) => {
      subscriptions.mount(a);
      a.use(
        ordersRoutes({
          place: container.resolve(PlaceOrderUseCase),
          manage: container.resolve(ManageOrderUseCase),
          cart: container.resolve(CartUseCase),
          events,
          history: container.resolve<SqlOrderHistory>(ORDERS.History),
          orders: container.resolve(ORDERS.Orders),
        }),
      );
    },
  });
  await serve(app, {
    port: config.APP_PORT,
    host: config.APP_HOST,
    logger: log,
    onShutdown: [async () => clearInterval(sweeper), () => relay.shutdown(), () => ds.destroy()],
  });
  log.info({ port: config.APP_PORT }, 'orders listening');
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
