import type { Sidecar } from '@dbcarts/dapr';
import type { Logger } from '@dbcarts/logging';
import type { PaymentProviderPort } from '../../app/ports/payment-provider.port';
import type { ProviderName } from '../../domain/payment';
import { type GuardOptions, GuardedProvider } from './guarded-provider';
import { ProviderRegistry } from './provider-registry';
import { TestPaymentProvider } from './test-provider';
import type { WebhookVerifierPort } from '../../app/ports/webhook.port';
import { AdyenWebhookVerifier } from '../webhooks/adyen-webhook.verifier';
import { PayPalWebhookVerifier } from '../webhooks/paypal-webhook.verifier';
import { StripeWebhookVerifier } from '../webhooks/stripe-webhook.verifier';
import { WebhookRegistry } from '../webhooks/webhook-registry';

export interface ProviderConfig {
  guard: GuardOptions;
  testProvider: boolean;
  stripeApiUrl?: string;
  paypalEnvironment: 'sandbox' | 'production';
  /** Another origin PayPal webhook certificates may come from (the stand-in in tests). */
  paypalCertOrigin?: string;
  adyenEnvironment: 'TEST' | 'LIVE';
  adyenLivePrefix?: string;
  adyenReturnUrl: string;
  /** HTTPS egress proxy for PayPal and Adyen calls (their SDKs have fixed hosts; tests put the stand-in here). */
  egressProxy?: string;
}

/** Where PayPal serves webhook signing certificates from, besides the configured API origin. */
const PAYPAL_CERT_ORIGINS = [
  'https://api.paypal.com',
  'https://api-m.paypal.com',
  'https://api.sandbox.paypal.com',
  'https://api-m.sandbox.paypal.com',
];

/** The secret store keys of every provider (packages/devstack generateDevSecrets writes dev values). */
export const PAYMENT_SECRETS = {
  stripeSecretKey: 'stripe-secret-key',
  stripeWebhookSecret: 'stripe-webhook-secret',
  paypalClientId: 'paypal-client-id',
  paypalClientSecret: 'paypal-client-secret',
  paypalWebhookId: 'paypal-webhook-id',
  adyenApiKey: 'adyen-api-key',
  adyenMerchantAccount: 'adyen-merchant-account',
  adyenHmacKey: 'adyen-hmac-key',
} as const;

/**
 * Builds each provider this deployment has credentials for, each behind its own timeout and
 * breaker. Credentials come from the Dapr secret store; an empty or absent key leaves that provider
 * off (its requests answer 422 PAYMENT.PROVIDER_UNSUPPORTED), which the log says once at start.
 */
export async function buildProviders(sidecar: Sidecar, config: ProviderConfig, log: Logger) {
  const secret = async (key: string): Promise<string> => {
    try {
      return (await sidecar.getSecret('secretstore', key)).trim();
    } catch (err) {
      log.warn({ key, err: (err as Error).message }, 'payment secret unavailable: that provider stays off');
      return '';
    }
  };
  const providers: Partial<Record<ProviderName, PaymentProviderPort>> = {};
  const guarded = (p: PaymentProviderPort) => new GuardedProvider(p, config.guard);
  if (config.testProvider) providers.test = guarded(new TestPaymentProvider());
  // Each provider's SDK is loaded only when it has credentials: Stripe, PayPal and Adyen's libraries
  // together held ~85 MB RSS in every payments process, with no provider on (a dev machine, most tests).
  const stripeKey = await secret(PAYMENT_SECRETS.stripeSecretKey);
  if (stripeKey) {
    const { StripeProvider } = require('./stripe-provider') as typeof import('./stripe-provider');
    providers.stripe = guarded(
      new StripeProvider({ secretKey: stripeKey, apiUrl: config.stripeApiUrl, timeoutMs: config.guard.timeoutMs }),
    );
  }
  const verifiers: Partial<Record<ProviderName, WebhookVerifierPort>> = {};
  const stripeWebhook = await secret(PAYMENT_SECRETS.stripeWebhookSecret);
  if (stripeWebhook) verifiers.stripe = new StripeWebhookVerifier(stripeWebhook);
  const adyenHmac = await secret(PAYMENT_SECRETS.adyenHmacKey);
  if (adyenHmac) verifiers.adyen = new AdyenWebhookVerifier(adyenHmac);
  const paypalWebhookId = await secret(PAYMENT_SECRETS.paypalWebhookId);
  if (paypalWebhookId) {
    verifiers.paypal = new PayPalWebhookVerifier({
      webhookId: paypalWebhookId,
      certOrigins: [
        ...PAYPAL_CERT_ORIGINS,
        ...(config.paypalCertOrigin ? [new URL(config.paypalCertOrigin).origin] : []),
      ],
      timeoutMs: config.guard.timeoutMs,
    });
  }
  const [paypalId, paypalSecret] = [
    await secret(PAYMENT_SECRETS.paypalClientId),
    await secret(PAYMENT_SECRETS.paypalClientSecret),
  ];
  if (paypalId && paypalSecret) {
    const { PayPalProvider } = require('./paypal-provider') as typeof import('./paypal-provider');
    providers.paypal = guarded(
      new PayPalProvider({
        clientId: paypalId,
        clientSecret: paypalSecret,
        environment: config.paypalEnvironment,
        timeoutMs: config.guard.timeoutMs,
        proxyUrl: config.egressProxy,
      }),
    );
  }
  const [adyenKey, merchant] = [
    await secret(PAYMENT_SECRETS.adyenApiKey),
    await secret(PAYMENT_SECRETS.adyenMerchantAccount),
  ];
  if (adyenKey && merchant) {
    const { AdyenProvider } = require('./adyen-provider') as typeof import('./adyen-provider');
    providers.adyen = guarded(
      new AdyenProvider({
        apiKey: adyenKey,
        merchantAccount: merchant,
        environment: config.adyenEnvironment,
        livePrefix: config.adyenLivePrefix,
        returnUrl: config.adyenReturnUrl,
        timeoutMs: config.guard.timeoutMs,
        proxyUrl: config.egressProxy,
      }),
    );
  }
  log.info({ providers: Object.keys(providers), webhooks: Object.keys(verifiers) }, 'payment providers');
  return { providers: new ProviderRegistry(providers), webhooks: new WebhookRegistry(verifiers) };
}
