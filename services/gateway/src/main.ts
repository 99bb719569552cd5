import '@dbcarts/telemetry/register';
import { join } from 'node:path';
import { createAfterSalesClient } from '@dbcarts/after-sales/client';
import { createCatalogClient, PRODUCT_CHANGED_TOPIC, type ProductChangedEvent } from '@dbcarts/catalog/client';
import { baseServiceEnv, env, loadConfig, z } from '@dbcarts/config';
import { LiveSetting, Sidecar, SubscriptionRouter } from '@dbcarts/dapr';
import { serve } from '@dbcarts/http';
import { createInventoryClient } from '@dbcarts/inventory/client';
import { createLogger } from '@dbcarts/logging';
import { createNotificationsClient } from '@dbcarts/notifications/client';
import { createOrdersClient } from '@dbcarts/orders/client';
import { createPromotionsClient } from '@dbcarts/promotions/client';
import { createUsersClient } from '@dbcarts/users/client';
import { BrowseProductsUseCase } from './app/browse-products.use-case';
import { ProductEdgeCache } from './app/product-edge-cache';
import { buildGatewayApp } from './http/gateway.app';
import { storefrontBuilt } from './http/storefront.routes';
import { JwksTokenVerifier } from './infra/jwks-token.verifier';
import { UpstreamReadiness } from './infra/upstream-readiness';
import {
  CLAIM_RATE_KEY,
  CLAIMS_PAUSED_KEY,
  parseClaimRate,
  parseRateLimit,
  parseSkuList,
  RATE_LIMIT_KEY,
} from './infra/live-settings';
import { CheckoutQueue, renewClaims } from './app/checkout-queue';
import { ClaimRate } from './app/claim-rate';
import { Redis } from 'ioredis';
import { metricsSnapshot } from '@dbcarts/metrics';
import type { FlashSaleDto } from '@dbcarts/inventory/contract';
import { OpsBoard } from './app/ops-board';
import { exportCheckoutQueueMetrics } from './app/ops-metrics';
import { jaegerTraceUrl, OpsRecorder } from './app/ops-recorder';
import type { Sample, SourceReading } from './app/ops-snapshot';
import { StreamTickets } from './app/ops-ticket';

async function main(): Promise<void> {
  const config = loadConfig(
    z.object({
      ...baseServiceEnv,
      APP_PORT: env.port(8080),
      RATE_LIMIT_PER_MINUTE: env.int(1200, 1),
      /** false only where an edge in front (LB, CDN) enforces the limits instead. */
      RATE_LIMIT_ENABLED: env.bool(true),
      LOGIN_ATTEMPTS_PER_IP_PER_MINUTE: env.int(30, 1),
      REGISTRATIONS_PER_IP_PER_HOUR: env.int(20, 1),
      REDIS_URL: env.string('redis://127.0.0.1:6379'),
      TRUST_PROXY: env.string('loopback'),
      /** Comma-separated browser origins, e.g. https://www.dbcarts.example */
      CORS_ORIGINS: z.string().default(''),
      EDGE_CACHE_ENTRIES: env.int(10_000, 0),
      EDGE_CACHE_TTL_MS: env.int(30_000, 0),
      /** Batches of one SKU's reservations (a drop's claims) in flight to its actor at once. */
      CLAIM_BATCHES_IN_FLIGHT: env.int(2, 1),
      ISSUER: env.string('http://127.0.0.1:8080'),
      // The checkout queue: orders in flight from this instance, orders waiting, and how long a
      // waiting request is held before it gets 202 and a status URL (well under the 8 s deadline).
      CHECKOUT_CONCURRENCY: env.int(32, 1),
      CHECKOUT_QUEUE_MAX: env.int(10_000, 0),
      CHECKOUT_SYNC_WAIT_MS: env.int(2_000, 0),
      // How often the claims of waiting orders are renewed: well under the inventory's hold time.
      CHECKOUT_CLAIM_RENEW_MS: env.int(60_000, 100),
      /** The services /readyz waits for (routable through the sidecar); a dev or test stack names the ones it runs. */
      READY_UPSTREAMS: z.string().default('users,catalog,inventory,orders,promotions,notifications,payments,after-sales'),
      /** The built storefront served at / (default: web/storefront/dist of this repo); a folder without it: none. */
      STOREFRONT_DIR: z.string().default(join(__dirname, '..', '..', '..', '..', 'web', 'storefront', 'dist')),
      /** The ops board reads these services' figures (invocation of /internal/metrics-snapshot); default READY_UPSTREAMS. */
      OPS_SOURCES: z.string().optional(),
      /** Ops streams at once on this instance (429 beyond). */
      OPS_MAX_STREAMS: env.int(20, 1),
      /** Jaeger's UI (e.g. http://127.0.0.1:16686): the board links each slow checkout to its trace there. */
      JAEGER_UI_URL: z.string().optional(),
    }),
  );
  const log = createLogger('gateway', config.LOG_LEVEL);
  const sidecar = new Sidecar({ host: config.DAPR_HOST, httpPort: config.DAPR_HTTP_PORT });
  const catalog = createCatalogClient(sidecar);
  const inventory = createInventoryClient(sidecar, {
    batching: { maxBatch: 1000, maxInFlightPerSku: config.CLAIM_BATCHES_IN_FLIGHT },
  });

  const edge = new ProductEdgeCache(config.EDGE_CACHE_ENTRIES, config.EDGE_CACHE_TTL_MS);
  const subscriptions = new SubscriptionRouter(log).subscribe({
    // The broadcast component: every gateway instance gets every change, not one of them.
    pubsubName: 'broadcast',
    topic: PRODUCT_CHANGED_TOPIC,
    route: '/events/catalog/product-changed',
    handler: async (event) => {
      // Only product ids can name an entry: anything else would just grow the epoch map.
      const id = z.uuid().safeParse((event.data as Partial<ProductChangedEvent>)?.id);
      if (!id.success) return 'DROP';
      edge.invalidate(id.data);
      return 'SUCCESS';
    },
  });
  // The one direct infrastructure connection: rate-limiter-flexible counts in Redis so every
  // gateway instance shares one budget (Dapr has no atomic counter API). Limits are live config.
  // A command unanswered after 500 ms fails (commandTimeout), so the limiter and the throttle fall
  // back to their per-instance counts: a stalled Redis (CLIENT PAUSE) held every login for as long
  // as it lasted. No offline queue: while disconnected, commands fail at once instead of waiting.
  const redis = new Redis(config.REDIS_URL, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 500,
    connectTimeout: 2000,
  });
  redis.on('error', (err) => log.warn({ err: err.message }, 'rate-limit store unreachable; per-instance limits apply'));
  const fallbackLimit = { points: config.RATE_LIMIT_PER_MINUTE, windowSeconds: 60 };
  const limits = new LiveSetting(sidecar, log, RATE_LIMIT_KEY, parseRateLimit, fallbackLimit).start(2000);
  // A drop's kill switch must bite within a second: polled twice as often.
  const claimsPaused = new LiveSetting<string[]>(sidecar, log, CLAIMS_PAUSED_KEY, parseSkuList, []).start(500);
  const claimRate = new LiveSetting(sidecar, log, CLAIM_RATE_KEY, parseClaimRate, 0).start(500);
  const users = createUsersClient(sidecar);
  const verifier = new JwksTokenVerifier({
    issuer: config.ISSUER,
    audience: 'dbcarts-api',
    fetchJwks: () => users.jwks(),
    onRefreshError: (err) => log.warn({ err }, 'JWKS refetch failed; the last good key set keeps serving'),
  });
  const orders = createOrdersClient(sidecar);
  const checkoutQueue = new CheckoutQueue((c) => orders.place(c.customerId, c.key, c.body), {
    concurrency: config.CHECKOUT_CONCURRENCY,
    maxWaiting: config.CHECKOUT_QUEUE_MAX,
    syncWaitMs: config.CHECKOUT_SYNC_WAIT_MS,
    // A claim must not lapse while its order waits: renewed when it starts waiting, then periodically.
    onWaiting: (c) => void renewClaims(inventory, c).catch((err) => log.warn({ err }, 'claim not renewed')),
    renewEveryMs: config.CHECKOUT_CLAIM_RENEW_MS,
    onFailed: (c, err) => log.error({ err, customerId: c.customerId }, 'queued checkout failed without an answer'),
  });
  exportCheckoutQueueMetrics(checkoutQueue);
  const upstreams = new UpstreamReadiness(
    config.READY_UPSTREAMS.split(',')
      .map((a) => a.trim())
      .filter(Boolean),
    // The path a request takes (name resolution, the callee's sidecar) to the callee's own /readyz.
    async (appId) => void (await sidecar.invokeService(appId, 'GET', 'readyz', { timeoutMs: 1_500 })),
    { onChange: (appId, routable) => log.warn({ appId, routable }, 'upstream routability changed') },
  );
  // The ops board (issue 14): each tick reads this process's figures in-process and every other
  // service's through its sidecar (service invocation works alike on one machine, in a test stack and
  // in a cluster; in a cluster it reads one replica per service), each call bounded to 800 ms.
  const opsSources = (config.OPS_SOURCES ?? config.READY_UPSTREAMS)
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  const readSource = async (appId: string): Promise<SourceReading> => {
    try {
      const res = await sidecar.invokeService<{ samples: Sample[] }>(appId, 'GET', 'internal/metrics-snapshot', {
        timeoutMs: 800,
      });
      return { service: appId, samples: Array.isArray(res.body?.samples) ? res.body.samples : [] };
    } catch {
      return { service: appId, error: 'unreachable' };
    }
  };
  const opsRecorder = new OpsRecorder({
    traceUrl: config.JAEGER_UI_URL ? jaegerTraceUrl(config.JAEGER_UI_URL) : undefined,
  });
  const opsBoard = new OpsBoard({
    maxSubscribers: config.OPS_MAX_STREAMS,
    onError: (err) => log.warn({ err }, 'ops board tick failed'),
    // Streams never end on their own: closed at the first tick of a shutdown, so they do not hold the listener's close.
    closing: () => app.locals.shuttingDown === true,
    read: async () => {
      const [own, others, drops] = await Promise.all([
        metricsSnapshot().then((samples): SourceReading => ({ service: 'gateway', samples })),
        Promise.all(opsSources.map(readSource)),
        sidecar
          .invokeService<FlashSaleDto[]>('inventory', 'GET', 'flash-sales/active', { timeoutMs: 800 })
          .then((r) =>
            r.body.map((d) => ({ sku: d.sku, quantity: d.quantity, remaining: d.remaining, endsAt: d.endsAt })),
          )
          .catch(() => undefined),
      ]);
      return {
        sources: [own, ...others],
        drops,
        claimsBySku: opsRecorder.claimsBySku,
        queue: checkoutQueue.stats,
        slowCheckouts: opsRecorder.slowest(),
      };
    },
  });
  const storefrontDir = storefrontBuilt(config.STOREFRONT_DIR) ? config.STOREFRONT_DIR : undefined;
  if (storefrontDir) log.info({ dir: storefrontDir }, 'serving the storefront at /');
  else log.info({ dir: config.STOREFRONT_DIR }, 'no built storefront there (npm run build makes it): none served at /');
  const app = buildGatewayApp({
    identity: { users, verifier, sidecarBaseUrl: sidecar.baseUrl },
    deps: { catalog, inventory, browse: new BrowseProductsUseCase(catalog), edge },
    subscriptions,
    notifications: createNotificationsClient(sidecar),
    orders,
    checkoutQueue,
    promotions: createPromotionsClient(sidecar),
    afterSales: createAfterSalesClient(sidecar),
    storefrontDir,
    ops: {
      board: opsBoard,
      recorder: opsRecorder,
      tickets: new StreamTickets(config.APP_API_TOKEN),
      shuttingDown: () => app.locals.shuttingDown === true,
    },
    claimsPaused: () => claimsPaused.current,
    claimRate: new ClaimRate(() => claimRate.current),
    sidecarToken: config.APP_API_TOKEN,
    loginThrottle: {
      redis,
      perIpPerMinute: config.LOGIN_ATTEMPTS_PER_IP_PER_MINUTE,
      registrationsPerIpPerHour: config.REGISTRATIONS_PER_IP_PER_HOUR,
    },
    logger: log,
    rateLimit: config.RATE_LIMIT_ENABLED ? { redis, settings: () => limits.current } : undefined,
    corsOrigins: config.CORS_ORIGINS.split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    trustProxy: /^\d+$/.test(config.TRUST_PROXY) ? Number(config.TRUST_PROXY) : config.TRUST_PROXY,
    readiness: { sidecar: () => sidecar.health(), upstreams: upstreams.check },
  });
  await serve(app, {
    port: config.APP_PORT,
    host: config.APP_HOST,
    logger: log,
    onShutdown: [async () => void redis.disconnect()],
  });
  log.info({ url: `http://${config.APP_HOST}:${config.APP_PORT}` }, 'gateway listening');
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
