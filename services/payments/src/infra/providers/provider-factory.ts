import type { Sidecar } from '@dbcarts/dapr';
import type { Logger } from '@dbcarts/logging';
import type { PaymentProviderPort } from '../../app/ports/payment-provider.port';
import type { ProviderName } from '../../domain/payment';
import { type GuardOptions, GuardedProvider } from './guarded-provider';
import { ProviderRegistry } from './provider-registry';
import { StripeProvider } from './stripe-provider';
import { TestPaymentProvider } from './test-provider';

export interface ProviderConfig {
  guard: GuardOptions;
  testProvider: boolean;
  stripeApiUrl?: string;
}

/** The secret store keys of every provider (packages/devstack generateDevSecrets writes dev values). */
export const PAYMENT_SECRETS = {
  stripeSecretKey: 'stripe-secret-key',
  stripeWebhookSecret: 'stripe-webhook-secret',
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
  const stripeKey = await secret(PAYMENT_SECRETS.stripeSecretKey);
  if (stripeKey) {
    providers.stripe = guarded(
      new StripeProvider({ secretKey: stripeKey, apiUrl: config.stripeApiUrl, timeoutMs: config.guard.timeoutMs }),
    );
  }
  log.info({ providers: Object.keys(providers) }, 'payment providers');
  return new ProviderRegistry(providers);
}
