import type { WebhookVerifierPort, WebhookVerifiersPort } from '../../app/ports/webhook.port';
import type { ProviderName } from '../../domain/payment';
import { WebhookNotConfiguredError } from '../../domain/provider-notice';

/** The webhook endpoints this deployment has signing secrets for. */
export class WebhookRegistry implements WebhookVerifiersPort {
  constructor(private readonly verifiers: Partial<Record<ProviderName, WebhookVerifierPort>>) {}

  get(provider: ProviderName): WebhookVerifierPort {
    const v = this.verifiers[provider];
    if (!v) throw new WebhookNotConfiguredError(provider);
    return v;
  }
}
