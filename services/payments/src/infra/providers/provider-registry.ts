import type { PaymentProviderPort, PaymentProvidersPort } from '../../app/ports/payment-provider.port';
import type { ProviderName } from '../../domain/payment';
import { ProviderNotConfiguredError } from '../../domain/payment.errors';

/** The providers main.ts could build (credentials found), each already behind its guard. */
export class ProviderRegistry implements PaymentProvidersPort {
  constructor(private readonly providers: Partial<Record<ProviderName, PaymentProviderPort>>) {}

  get(name: ProviderName): PaymentProviderPort {
    const p = this.providers[name];
    if (!p) throw new ProviderNotConfiguredError(name);
    return p;
  }
}
