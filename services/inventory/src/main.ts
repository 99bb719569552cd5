import '@dbcarts/telemetry/register';
import 'reflect-metadata';
import { baseServiceEnv, env, loadConfig, z } from '@dbcarts/config';
import { actorHostReadiness, createActorHost, LiveSetting, liveValue, Sidecar } from '@dbcarts/dapr';
import { createHttpApp, serve } from '@dbcarts/http';
import { createLogger } from '@dbcarts/logging';
import { container } from 'tsyringe';
import { INVENTORY, type InventorySettings } from './app/inventory.tokens';
import { KnownSkuStockActor } from './app/known-sku-stock-actor';
import { KnownSkus } from './app/known-skus';
import { ManageStockUseCase } from './app/manage-stock.use-case';
import { ReserveStockUseCase } from './app/reserve-stock.use-case';
import { SettleReservationUseCase } from './app/settle-reservation.use-case';
import { inventoryRoutes } from './http/inventory.routes';
import { DaprCatalogSkuDirectoryAdapter } from './infra/dapr-catalog-sku-directory.adapter';
import { DaprFlashSaleIndexAdapter } from './infra/dapr-flash-sale-index.adapter';
import { FlashSaleDirectory } from './infra/flash-sale-directory.actor';
import { DaprStockActorAdapter } from './infra/dapr-stock-actor.adapter';
import { DaprStockEventsAdapter } from './infra/dapr-stock-events.adapter';
import { configureInventoryActor, InventoryItem } from './infra/inventory-item.actor';

const HOLD_MS_KEY = 'inventory.reservation-hold-ms';

async function main(): Promise<void> {
  const config = loadConfig(
    z.object({
      ...baseServiceEnv,
      RESERVE_BATCH_MAX: env.int(512, 1),
      RESERVATION_HOLD_MS: env.int(10 * 60 * 1000, 1000),
      RESERVE_QUEUE_PER_SKU: env.int(10_000, 1),
      RESERVE_QUEUE_TOTAL: env.int(100_000, 1),
      RESERVE_TIMEOUT_MS: env.int(10_000, 100),
      /** The app that says which SKUs exist (INVENTORY.UNKNOWN_SKU for the others). */
      CATALOG_APP_ID: env.string('catalog'),
      SKU_KNOWN_TTL_MS: env.int(10 * 60 * 1000, 1000),
      SKU_UNKNOWN_TTL_MS: env.int(5000, 0),
      SKU_KNOWN_MAX: env.int(200_000, 1),
      SKU_UNKNOWN_MAX: env.int(10_000, 1),
      SKU_LOOKUPS_MAX: env.int(1000, 1),
    }),
  );
  const log = createLogger('inventory', config.LOG_LEVEL);
  const sidecar = new Sidecar({ host: config.DAPR_HOST, httpPort: config.DAPR_HTTP_PORT });

  container.register<InventorySettings>(INVENTORY.Settings, {
    useValue: {
      reserveBatchMax: config.RESERVE_BATCH_MAX,
      reserveQueuePerSku: config.RESERVE_QUEUE_PER_SKU,
      reserveQueueTotal: config.RESERVE_QUEUE_TOTAL,
      reserveTimeoutMs: config.RESERVE_TIMEOUT_MS,
    },
  });
  const knownSkus = new KnownSkus(new DaprCatalogSkuDirectoryAdapter(sidecar, config.CATALOG_APP_ID), {
    knownTtlMs: config.SKU_KNOWN_TTL_MS,
    unknownTtlMs: config.SKU_UNKNOWN_TTL_MS,
    maxKnown: config.SKU_KNOWN_MAX,
    maxUnknown: config.SKU_UNKNOWN_MAX,
    maxLookups: config.SKU_LOOKUPS_MAX,
  });
  // The hold time is a live switch (Dapr Configuration, `inventory.reservation-hold-ms`): an operator
  // shortens it during a drop so unpaid claims return sooner; each turn reads the current value.
  // 1 s to 24 h, as RESERVATION_HOLD_MS allows.
  const hold = new LiveSetting(
    sidecar,
    log,
    HOLD_MS_KEY,
    liveValue.intIn(1000, 86_400_000),
    config.RESERVATION_HOLD_MS,
  ).start(500);
  configureInventoryActor({
    sidecar,
    events: new DaprStockEventsAdapter(sidecar, log),
    settings: {
      get holdMs() {
        return hold.current;
      },
      now: Date.now,
    },
  });
  // Every actor call of this service asks the catalog first (cached): no actor for a made-up SKU.
  container.register(INVENTORY.StockActor, {
    useValue: new KnownSkuStockActor(new DaprStockActorAdapter(sidecar), knownSkus),
  });
  container.register(INVENTORY.FlashSaleIndex, { useValue: new DaprFlashSaleIndexAdapter(sidecar) });

  const actors = await createActorHost({
    logger: log,
    sidecar: sidecar.address,
    appPort: config.APP_PORT,
    actors: [InventoryItem, FlashSaleDirectory],
  });
  const app = createHttpApp({
    service: 'inventory',
    logger: log,
    // Reached only through Dapr: every route but the probes needs the sidecar's token.
    sidecarOnly: { token: config.APP_API_TOKEN },
    readiness: { sidecar: () => sidecar.health(), actors: actorHostReadiness(sidecar) },
    routes: (a) => {
      a.use(actors.router);
      a.use(
        inventoryRoutes({
          stock: container.resolve(ManageStockUseCase),
          reserve: container.resolve(ReserveStockUseCase),
          settle: container.resolve(SettleReservationUseCase),
        }),
      );
    },
  });
  await serve(app, { port: config.APP_PORT, host: config.APP_HOST, logger: log });
  log.info({ port: config.APP_PORT }, 'inventory listening');
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
