import '@dbcarts/telemetry/register';
import 'reflect-metadata';
import { baseServiceEnv, env, loadConfig, z } from '@dbcarts/config';
import { Sidecar } from '@dbcarts/dapr';
import { DEFAULT_DATABASE_BOUNDS, underMigrationLock } from '@dbcarts/db';
import { createHttpApp, serve } from '@dbcarts/http';
import { createLogger } from '@dbcarts/logging';
import { container } from 'tsyringe';
import { ManagePromotionsUseCase } from './app/manage-promotions.use-case';
import { Pricing } from './app/pricing';
import { PromotionCatalog } from './app/promotion-catalog';
import { PROMOTIONS, type PromotionsSettings } from './app/promotions.tokens';
import { QuoteUseCase } from './app/quote.use-case';
import { ReserveRedemptionUseCase } from './app/reserve-redemption.use-case';
import { SettleRedemptionUseCase } from './app/settle-redemption.use-case';
import { HoldSweeper } from './app/sweep-holds';
import { promotionsRoutes } from './http/promotions.routes';
import { redemptionsRoutes } from './http/redemptions.routes';
import { createPromotionsDataSource } from './infra/typeorm/data-source';
import { PoolGate } from './infra/typeorm/pool-gate';
import { SqlPromotionRepository } from './infra/typeorm/sql-promotion.repository';
import { SqlRedemptionRepository } from './infra/typeorm/sql-redemption.repository';

async function main(): Promise<void> {
  const config = loadConfig(
    z.object({
      ...baseServiceEnv,
      DB_URL: z.string().startsWith('mysql://'),
      /** How long a checkout's coupon use stays held without a commit or release (a crashed saga). */
      PROMOTION_HOLD_MS: env.int(15 * 60_000, 1_000),
      /** How often expired holds are looked for (every instance sweeps; each use comes back once). */
      PROMOTION_SWEEP_MS: env.int(30_000, 100),
      /** How long promotion definitions are reused between reads: an admin change reaches every instance within it. */
      PROMOTION_CACHE_MS: env.int(1_000, 0),
    }),
  );
  const log = createLogger('promotions', config.LOG_LEVEL);
  const sidecar = new Sidecar({ host: config.DAPR_HOST, httpPort: config.DAPR_HTTP_PORT });

  const poolSize = DEFAULT_DATABASE_BOUNDS.poolSize;
  const ds = createPromotionsDataSource(config.DB_URL, poolSize);
  await ds.initialize();
  await underMigrationLock(ds, async () => {
    const ran = await ds.runMigrations({ transaction: 'each' });
    if (ran.length) log.info({ migrations: ran.map((m) => m.name) }, 'migrations applied');
  });

  // Every repository call waits its turn for one of the pool's connections in this process.
  const gate = new PoolGate(poolSize);
  const promotions = new SqlPromotionRepository(ds, gate);
  const redemptions = new SqlRedemptionRepository(ds, gate);
  const catalog = new PromotionCatalog(promotions, config.PROMOTION_CACHE_MS);
  const settings: PromotionsSettings = { holdMs: config.PROMOTION_HOLD_MS, now: () => new Date() };
  container.register(PROMOTIONS.Settings, { useValue: settings });
  container.register(PROMOTIONS.Promotions, { useValue: promotions });
  container.register(PROMOTIONS.Redemptions, { useValue: redemptions });
  container.register(PROMOTIONS.Catalog, { useValue: catalog });
  container.register(Pricing, { useValue: new Pricing(catalog) });

  const sweeper = new HoldSweeper(redemptions, settings.now, {
    intervalMs: config.PROMOTION_SWEEP_MS,
    onError: (err) => log.warn({ err }, 'hold sweep failed; next pass retries'),
  });
  sweeper.start();

  const app = createHttpApp({
    service: 'promotions',
    logger: log,
    // Reached only through Dapr (orders, and the gateway's admin and public routes).
    sidecarOnly: { token: config.APP_API_TOKEN },
    readiness: {
      sidecar: () => sidecar.health(),
      database: async () => void (await ds.query('SELECT 1')),
    },
    routes: (a) => {
      a.use(promotionsRoutes(container.resolve(ManagePromotionsUseCase)));
      a.use(
        redemptionsRoutes({
          quote: container.resolve(QuoteUseCase),
          reserve: container.resolve(ReserveRedemptionUseCase),
          settle: container.resolve(SettleRedemptionUseCase),
        }),
      );
    },
  });
  await serve(app, {
    port: config.APP_PORT,
    host: config.APP_HOST,
    logger: log,
    onShutdown: [() => sweeper.stop(), () => ds.destroy()],
  });
  log.info({ port: config.APP_PORT, holdMs: config.PROMOTION_HOLD_MS }, 'promotions listening');
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
