import { DomainError } from '@dbcarts/errors';
import type { Payment, ProviderName } from './payment';

/**
 * What a provider's webhook tells us, in our words. Providers also report outcomes we did not wait
 * for: an authorization released on their side (expired after 7 days, cancelled in a dashboard) or a
 * capture whose answer never reached us. Those move the payment and its ledger like our own step
 * would (same journal keys, so a step booked both ways is booked once); everything else is recorded
 * and left alone.
 */
export interface ProviderNotice {
  provider: ProviderName;
  /** The provider's id of the event: the deduplication key. */
  eventId: string;
  /** The provider's own event type, as received (for the record). */
  type: string;
  kind: 'captured' | 'released' | 'other';
  /** The provider's id of the authorization it is about (our provider_ref). */
  ref?: string;
}

/** The change a notice makes: only to an authorized payment (otherwise its step already happened, or it is not ours). */
export function planNotice(p: Payment | undefined, n: ProviderNotice): 'capture' | 'void' | 'none' {
  if (!p || n.kind === 'other' || p.status !== 'authorized') return 'none';
  return n.kind === 'captured' ? 'capture' : 'void';
}

/** A webhook whose signature does not verify against the provider's scheme (or has none). */
export class WebhookSignatureError extends DomainError {
  readonly code = 'WEBHOOK.INVALID_SIGNATURE';
  readonly kind = 'invalid';
  constructor(
    provider: string,
    readonly reason: string,
  ) {
    super(`${provider} webhook signature rejected: ${reason}`, { provider });
  }

  override get publicDetail(): string {
    return 'The webhook signature could not be verified.';
  }
}

/** No webhook endpoint for that provider here (unknown provider, or no signing secret configured). */
export class WebhookNotConfiguredError extends DomainError {
  readonly code = 'WEBHOOK.NOT_CONFIGURED';
  readonly kind = 'not_found';
  constructor(provider: string) {
    super(`No webhook endpoint for ${provider}`, { provider });
  }
}
