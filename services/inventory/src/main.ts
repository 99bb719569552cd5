import '@dbcarts/telemetry/register';
import 'reflect-metadata';
import { baseServiceEnv, env, loadConfig, z } from '@dbcarts/config';
import { createActorHost, Sidecar } from '@dbcarts/dapr';
import { createHttpApp, serve } from '@dbcarts/http';
import { createLogger } from '@dbcarts/logging';
import { container } from 'tsyringe';
import { INVENTORY, type InventorySettings } from './app/inventory.tokens';
import { ManageStockUseCase } from './app/manage-stock.use-case';
import { ReserveStockUseCase } from './app/reserve-stock.use-case';
import { SettleReservationUseCase } from './app/settle-reservation.use-case';
import { inventoryRoutes } from './http/inventory.routes';
import { DaprFlashSaleIndexAdapter } from './infra/dapr-flash-sale-index.adapter';
import { FlashSaleDirectory } from './infra/flash-sale-directory.actor';
import { DaprStockActorAdapter } from './infra/dapr-stock-actor.adapter';
import { DaprStockEventsAdapter } from './infra/dapr-stock-events.adapter';
import { configureInventoryActor, InventoryItem } from './infra/inventory-item.actor';

async function main(): Promise<void> {
  const config = loadConfig(
    z.object({
      ...baseServiceEnv,
      RESERVE_BATCH_MAX: env.int(512, 1),
      RESERVATION_HOLD_MS: env.int(10 * 60 * 1000, 1000),
    }),
  );
  const log = createLogger('inventory', config.LOG_LEVEL);
  const sidecar = new Sidecar({ host: config.DAPR_HOST, httpPort: config.DAPR_HTTP_PORT });

  container.register<InventorySettings>(INVENTORY.Settings, {
    useValue: { reserveBatchMax: config.RESERVE_BATCH_MAX, holdMs: config.RESERVATION_HOLD_MS },
  });
  configureInventoryActor({
    sidecar,
    events: new DaprStockEventsAdapter(sidecar, log),
    settings: { holdMs: config.RESERVATION_HOLD_MS, now: Date.now },
  });
  container.register(INVENTORY.StockActor, { useValue: new DaprStockActorAdapter(sidecar) });
  container.register(INVENTORY.FlashSaleIndex, { useValue: new DaprFlashSaleIndexAdapter(sidecar) });

  const actors = await createActorHost({
    sidecar: sidecar.address,
    appPort: config.APP_PORT,
    actors: [InventoryItem, FlashSaleDirectory],
  });
  const app = createHttpApp({
    service: 'inventory',
    logger: log,
    // Reached only through Dapr: every route but the probes needs the sidecar's token.
    sidecarOnly: { token: config.APP_API_TOKEN },
    readiness: { sidecar: () => sidecar.health() },
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
