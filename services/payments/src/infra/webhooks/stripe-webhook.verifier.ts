import type Stripe from 'stripe';
import type { WebhookHeaders, WebhookVerifierPort } from '../../app/ports/webhook.port';
import { type ProviderNotice, WebhookSignatureError } from '../../domain/provider-notice';

/** Stripe's scheme: `Stripe-Signature` (t=…,v1=…) is an HMAC-SHA256 of `t.rawBody`, refused beyond this age. */
export const STRIPE_TOLERANCE_SECONDS = 300;

/** The SDK, loaded at the first webhook (a payments process that receives none never holds it). */
const sdk = (): typeof Stripe => require('stripe');

/** Verified by the official SDK (constructEvent), on the exact bytes received. */
export class StripeWebhookVerifier implements WebhookVerifierPort {
  constructor(private readonly secret: string) {}

  async verify(raw: Buffer, headers: WebhookHeaders): Promise<ProviderNotice[]> {
    const signature = headers['stripe-signature'];
    if (typeof signature !== 'string') throw new WebhookSignatureError('stripe', 'no Stripe-Signature header');
    const { webhooks } = sdk();
    let event: Stripe.Event;
    try {
      event = webhooks.constructEvent(raw, signature, this.secret, STRIPE_TOLERANCE_SECONDS);
    } catch (e) {
      throw new WebhookSignatureError('stripe', (e as Error).message);
    }
    const object = (event.data?.object ?? {}) as { id?: string; object?: string };
    const intent = object.object === 'payment_intent' ? object.id : undefined;
    const kind =
      event.type === 'payment_intent.canceled'
        ? 'released'
        : event.type === 'payment_intent.succeeded'
          ? 'captured'
          : 'other';
    return [{ provider: 'stripe', eventId: event.id, type: event.type, kind: intent ? kind : 'other', ref: intent }];
  }
}
