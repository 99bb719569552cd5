import '@dbcarts/telemetry/register';
import 'reflect-metadata';
import { baseServiceEnv, env, loadConfig, z } from '@dbcarts/config';
import { Sidecar } from '@dbcarts/dapr';
import { OutboxRelay, underMigrationLock } from '@dbcarts/db';
import { createHttpApp, serve } from '@dbcarts/http';
import { createLogger } from '@dbcarts/logging';
import { container } from 'tsyringe';
import { AuthorizePaymentUseCase } from './app/authorize-payment.use-case';
import { CapturePaymentUseCase } from './app/capture-payment.use-case';
import { PAYMENTS, type PaymentsSettings } from './app/payments.tokens';
import { QueryPaymentsUseCase } from './app/query-payments.use-case';
import { RefundPaymentUseCase } from './app/refund-payment.use-case';
import { VoidPaymentUseCase } from './app/void-payment.use-case';
import { paymentsRoutes } from './http/payments.routes';
import { webhookRoutes } from './http/webhooks.routes';
import { HandleWebhookUseCase } from './app/handle-webhook.use-case';
import { buildProviders } from './infra/providers/provider-factory';
import { createPaymentsDataSource } from './infra/typeorm/data-source';
import { TypeormLedger } from './infra/typeorm/typeorm-ledger';
import { TypeormPaymentRepository } from './infra/typeorm/typeorm-payment.repository';
import { TypeormWebhookRepository } from './infra/typeorm/typeorm-webhook.repository';

async function main(): Promise<void> {
  const config = loadConfig(
    z.object({
      ...baseServiceEnv,
      DB_URL: z.string().startsWith('mysql://'),
      /** A provider call with no answer by then answers 503 PAYMENT.UNAVAILABLE (and holds nothing). */
      PAYMENT_PROVIDER_TIMEOUT_MS: env.int(4_000, 100),
      /** Consecutive provider failures that open its breaker; then 503 at once for PAYMENT_BREAKER_HALF_OPEN_MS. */
      PAYMENT_BREAKER_FAILURES: env.int(5, 1),
      PAYMENT_BREAKER_HALF_OPEN_MS: env.int(10_000, 100),
      /** `test` is the in-process provider of the contract's tokens; off in production. */
      PAYMENT_TEST_PROVIDER: env.bool(true),
      /** Another Stripe API origin (stripe-mock in tests); unset: api.stripe.com. */
      STRIPE_API_URL: z.url().optional(),
      PAYPAL_ENVIRONMENT: z.enum(['sandbox', 'production']).default('sandbox'),
      /** Another origin PayPal webhook certificates may come from, besides PayPal's (tests: the stand-in). */
      PAYPAL_WEBHOOK_CERT_ORIGIN: z.url().optional(),
      ADYEN_ENVIRONMENT: z.enum(['TEST', 'LIVE']).default('TEST'),
      ADYEN_LIVE_PREFIX: z.string().optional(),
      ADYEN_RETURN_URL: z.url().default('http://127.0.0.1:3000/checkout/adyen-return'),
      /** HTTPS egress proxy for PayPal and Adyen calls (their SDKs have fixed hosts). */
      PAYMENT_EGRESS_PROXY: z.url().optional(),
    }),
  );
  const log = createLogger('payments', config.LOG_LEVEL);
  const sidecar = new Sidecar({ host: config.DAPR_HOST, httpPort: config.DAPR_HTTP_PORT });
  await sidecar.waitUntilReady(); // provider credentials come from its secret store

  const ds = createPaymentsDataSource(config.DB_URL);
  await ds.initialize();
  await underMigrationLock(ds, async () => {
    const ran = await ds.runMigrations({ transaction: 'each' });
    if (ran.length) log.info({ migrations: ran.map((m) => m.name) }, 'migrations applied');
  });

  // Step changes commit their payments.* rows; the relay publishes them after, with the row's event id.
  const relay = new OutboxRelay(
    ds,
    (pubsub, topic, data, id, traceparent) => sidecar.publish(pubsub, topic, data, { id, traceparent }),
    {
      // Sharded by customer (deploy/k8s/sharding): published rows are deleted per customer_id.
      shardKey: 'customer_id',
      onError: (err) => log.warn({ err }, 'outbox relay: publish failed; retrying'),
    },
  );
  relay.start();

  const timeoutMs = config.PAYMENT_PROVIDER_TIMEOUT_MS;
  const guard = {
    timeoutMs,
    breakerFailures: config.PAYMENT_BREAKER_FAILURES,
    halfOpenMs: config.PAYMENT_BREAKER_HALF_OPEN_MS,
    onStateChange: (provider: string, state: string) => log.warn({ provider, state }, 'payment provider breaker'),
  };
  const { providers, webhooks } = await buildProviders(
    sidecar,
    {
      guard,
      testProvider: config.PAYMENT_TEST_PROVIDER,
      stripeApiUrl: config.STRIPE_API_URL,
      paypalEnvironment: config.PAYPAL_ENVIRONMENT,
      paypalCertOrigin: config.PAYPAL_WEBHOOK_CERT_ORIGIN,
      adyenEnvironment: config.ADYEN_ENVIRONMENT,
      adyenLivePrefix: config.ADYEN_LIVE_PREFIX,
      adyenReturnUrl: config.ADYEN_RETURN_URL,
      egressProxy: config.PAYMENT_EGRESS_PROXY,
    },
    log,
  );

  // A step's lease outlives its provider call (timeout) plus the bookkeeping around it. A request
  // waits for another caller's call on the same order at most a timeout and a second, and answers
  // within the timeout and a second and a half: under the orders client's 6 s (4 s provider bound),
  // which stays under Dapr's 10 s for payments (resiliency `checkout`). Taking over from a caller that
  // crashed mid-call waits out its lease: that request answers 503 PAYMENT.IN_PROGRESS and a retry
  // after the lease finishes the step.
  const leaseMs = timeoutMs + 2_000;
  const requestDeadlineMs = timeoutMs + 1_500;
  const settings: PaymentsSettings = { leaseMs, waitMs: timeoutMs + 1_000 };
  container.register(PAYMENTS.Settings, { useValue: settings });
  container.register(PAYMENTS.Payments, { useValue: new TypeormPaymentRepository(ds, () => relay.wake()) });
  container.register(PAYMENTS.Ledger, { useValue: new TypeormLedger(ds) });
  container.register(PAYMENTS.Providers, { useValue: providers });
  container.register(PAYMENTS.Webhooks, { useValue: webhooks });
  container.register(PAYMENTS.WebhookRecords, { useValue: new TypeormWebhookRepository(ds, () => relay.wake()) });

  const app = createHttpApp({
    service: 'payments',
    logger: log,
    // Reached only through Dapr (orders, and the gateway's webhook relay): every route but the probes needs the token.
    sidecarOnly: { token: config.APP_API_TOKEN },
    // Providers sign the exact bytes: the webhook route reads its body itself, never the JSON parser.
    rawBodyPaths: ['/webhooks'],
    requestDeadlineMs,
    readiness: {
      sidecar: () => sidecar.health(),
      database: async () => void (await ds.query('SELECT 1')),
    },
    routes: (a) => {
      a.use(
        paymentsRoutes({
          authorize: container.resolve(AuthorizePaymentUseCase),
          capture: container.resolve(CapturePaymentUseCase),
          void: container.resolve(VoidPaymentUseCase),
          refund: container.resolve(RefundPaymentUseCase),
          query: container.resolve(QueryPaymentsUseCase),
        }),
      );
      a.use(webhookRoutes(container.resolve(HandleWebhookUseCase)));
    },
  });
  await serve(app, {
    port: config.APP_PORT,
    host: config.APP_HOST,
    logger: log,
    onShutdown: [() => relay.shutdown(), () => ds.destroy()],
  });
  log.info({ port: config.APP_PORT, providerTimeoutMs: timeoutMs }, 'payments listening');
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
