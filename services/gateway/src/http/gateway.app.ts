import type { AfterSalesClient } from '@dbcarts/after-sales/client';
import type { SubscriptionRouter } from '@dbcarts/dapr';
import { createHttpApp, type ReadinessCheck, SIDECAR_PATHS } from '@dbcarts/http';
import type { Logger } from '@dbcarts/logging';
import type { NotificationsClient } from '@dbcarts/notifications/client';
import type { OrdersClient } from '@dbcarts/orders/client';
import type { PromotionsClient } from '@dbcarts/promotions/client';
import { USERS_APP_ID, type UsersClient } from '@dbcarts/users/client';
import type { Express } from 'express';
import type { CheckoutQueue } from '../app/checkout-queue';
import type { ClaimRate } from '../app/claim-rate';
import type { OpsRecorder } from '../app/ops-recorder';
import type { JwksTokenVerifier } from '../infra/jwks-token.verifier';
import { adminRoutes } from './admin.routes';
import { afterSalesRoutes } from './after-sales.routes';
import { optionalAuthentication } from './auth.middleware';
import { checkoutRoutes } from './checkout.routes';
import { cors } from './cors.middleware';
import { flashClaimsRoutes } from './flash-claims.routes';
import { type GatewayDeps, gatewayRoutes } from './gateway.routes';
import { identityRoutes } from './identity.routes';
import { type LoginThrottleOptions, loginThrottle, registrationThrottle } from './login-throttle.middleware';
import { notificationsRoutes } from './notifications.routes';
import { oidcProxyRoutes } from './oidc-proxy.routes';
import { type OpsRoutesOptions, opsRecording, opsRoutes } from './ops.routes';
import { ordersRoutes } from './orders.routes';
import { paymentWebhookRoutes } from './payment-webhooks.routes';
import { promotionsRoutes } from './promotions.routes';
import { type RateLimitOptions, rateLimit } from './rate-limit.middleware';
import { storefrontRoutes } from './storefront.routes';

export interface GatewayAppOptions {
  deps: GatewayDeps;
  logger?: Logger;
  /** Absent: no limits at this layer (an edge in front enforces them). */
  rateLimit?: RateLimitOptions;
  readiness?: Record<string, ReadinessCheck>;
  /** Browser origins allowed to call the API (exact matches). */
  corsOrigins?: string[];
  /** express `trust proxy`: 'loopback' (default), a hop count, or addresses. */
  trustProxy?: string | number;
  /** Identity and admin routes (absent in route tests that only need the public catalog). */
  identity?: { users: UsersClient; verifier: JwksTokenVerifier; sidecarBaseUrl: string };
  /** Password-attempt budgets, shared through Redis when given one. */
  loginThrottle?: LoginThrottleOptions;
  /** Dapr app API token: required on the sidecar's routes (/dapr, /events) when set. */
  sidecarToken?: string;
  /** Pub/sub deliveries (GET /dapr/subscribe + routes), mounted before the API. */
  subscriptions?: SubscriptionRouter;
  /** Cart and orders (absent in route tests that do not need them). */
  orders?: OrdersClient;
  /** The caller's notifications (GET /api/me/notifications). */
  notifications?: NotificationsClient;
  /** SKUs whose drop claims are paused by the live kill switch (`*`: all); absent: none. */
  claimsPaused?: () => readonly string[];
  /** The live claim rate per SKU of a drop; absent: no cap. */
  claimRate?: ClaimRate;
  /** POST /api/orders waits here when checkout is saturated (202 + status URL); absent: no queue. */
  checkoutQueue?: CheckoutQueue;
  /** Coupons and timed discounts (admin create, public read). */
  promotions?: PromotionsClient;
  /** Warranties and support cases (absent: those routes answer 503). */
  afterSales?: AfterSalesClient;
  /** The built storefront served at / (storefront.routes.ts), after every API route; absent: none. */
  storefrontDir?: string;
  /** The ops board (issue 14): its stream routes, and what the gateway records for it; absent: none. */
  ops?: Omit<OpsRoutesOptions, 'verifier'> & { recorder: OpsRecorder };
}

/** The gateway's express app, apart from listen() so tests drive it in-process. */
export function buildGatewayApp(opts: GatewayAppOptions): Express {
  const app = createHttpApp({
    service: 'gateway',
    logger: opts.logger,
    readiness: opts.readiness,
    // The public port also takes the sidecar's deliveries: those routes need the sidecar's token.
    sidecarOnly: { token: opts.sidecarToken, paths: SIDECAR_PATHS },
    // Provider webhooks are relayed byte for byte: their signatures cover the raw body.
    rawBodyPaths: ['/api/payments/webhooks'],
    routes: (a) => {
      opts.subscriptions?.mount(a);
      a.use(cors(opts.corsOrigins ?? []));
      if (opts.rateLimit) a.use(['/api', '/oidc'], rateLimit(opts.rateLimit));
      if (opts.identity) a.use('/api', optionalAuthentication(opts.identity.verifier));
      if (opts.ops) a.use(opsRecording(opts.ops.recorder));
      if (opts.identity) {
        // First of the routes: a drop sends every customer's claim here in the same second, and
        // express tries each route in mount order (no other route answers these paths).
        a.use(
          flashClaimsRoutes({
            inventory: opts.deps.inventory,
            verifier: opts.identity.verifier,
            paused: opts.claimsPaused ?? (() => []),
            rate: opts.claimRate,
          }),
        );
      }
      a.use(gatewayRoutes(opts.deps));
      if (opts.identity) {
        // One budget for password attempts, whichever door they come through.
        const throttle = loginThrottle(opts.loginThrottle);
        const registrations = registrationThrottle(opts.loginThrottle);
        a.use(identityRoutes(opts.identity.users, opts.identity.verifier, throttle, registrations));
        a.use(paymentWebhookRoutes(opts.identity.sidecarBaseUrl)); // providers' signed notifications, relayed as sent
        a.use(adminRoutes(opts.deps, opts.identity.verifier));
        if (opts.orders) {
          a.use(checkoutRoutes(opts.orders, opts.identity.verifier, opts.checkoutQueue));
          a.use(ordersRoutes(opts.orders, opts.identity.verifier));
        }
        a.use(notificationsRoutes(opts.identity.verifier, opts.notifications));
        a.use(afterSalesRoutes(opts.identity.verifier, opts.afterSales));
        if (opts.promotions) a.use(promotionsRoutes(opts.promotions, opts.identity.verifier));
        if (opts.ops) a.use(opsRoutes({ ...opts.ops, verifier: opts.identity.verifier }));
        a.use(
          oidcProxyRoutes({
            sidecarBaseUrl: opts.identity.sidecarBaseUrl,
            usersAppId: USERS_APP_ID,
            loginThrottle: throttle,
          }),
        );
      }
      if (opts.storefrontDir) a.use(storefrontRoutes({ dir: opts.storefrontDir }));
    },
  });
  // Whose X-Forwarded-For to believe: only proxies on loopback by default (a client cannot pick the
  // address it is limited under). `TRUST_PROXY=0` (no hop) behind a network load balancer that keeps
  // the client's address and adds no header (deploy/k8s overlays); `<n>` behind n proxies that set it.
  app.set('trust proxy', opts.trustProxy ?? 'loopback');
  return app;
}
