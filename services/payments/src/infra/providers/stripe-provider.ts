import Stripe from 'stripe';
import type {
  AuthorizeInput,
  PaymentProviderPort,
  PaymentRef,
  ProviderCall,
  ReleaseInput,
} from '../../app/ports/payment-provider.port';
import { PaymentDeclinedError, PaymentUnavailableError } from '../../domain/payment.errors';

export interface StripeSettings {
  secretKey: string;
  /** Another API origin (stripe-mock in tests); absent: api.stripe.com. */
  apiUrl?: string;
  /** The SDK's own bound on a request, at the guard's timeout: an abandoned call does not linger. */
  timeoutMs: number;
}

type StripeFault = Error & {
  type?: string;
  code?: string;
  decline_code?: string;
  raw?: { payment_intent?: { status?: string } };
};

/**
 * Stripe through its official SDK: PaymentIntents with manual capture. Authorize is two calls: the
 * PaymentIntent is created UNCONFIRMED (it holds nothing) and remembered, then confirmed (now it
 * holds the amount), so a confirm that never answers still leaves us the id to cancel; a create that
 * never answers left nothing held. Every request carries its step's idempotency key (the confirm
 * its own, `<key>:confirm`): Stripe answers a repeated key with its first result. The SDK retries
 * nothing itself; the caller retries with the same key.
 */
export class StripeProvider implements PaymentProviderPort {
  readonly name = 'stripe' as const;
  private readonly stripe: Stripe;

  constructor(settings: StripeSettings) {
    const url = settings.apiUrl ? new URL(settings.apiUrl) : undefined;
    this.stripe = new Stripe(settings.secretKey, {
      ...(url
        ? { host: url.hostname, port: url.port || undefined, protocol: url.protocol === 'http:' ? 'http' : 'https' }
        : {}),
      timeout: settings.timeoutMs,
      maxNetworkRetries: 0,
      telemetry: false,
      appInfo: { name: 'dbcarts-payments' },
    });
  }

  async authorize(input: AuthorizeInput, call: ProviderCall): Promise<{ ref: string }> {
    const created = await this.run(input.orderId, () =>
      this.stripe.paymentIntents.create(
        {
          amount: input.amount,
          currency: input.currency.toLowerCase(),
          capture_method: 'manual',
          allowed_payment_method_types: ['card'],
          // A PaymentMethod id (pm_…, what Stripe.js hands the storefront); never stored here.
          payment_method: input.token,
          metadata: { order_id: input.orderId, customer_id: input.customerId },
          description: `DBcarts order ${input.orderId}`,
        },
        { idempotencyKey: call.idempotencyKey },
      ),
    );
    await call.remember?.(created.id);
    const pi = await this.run(input.orderId, () =>
      this.stripe.paymentIntents.confirm(created.id, {}, { idempotencyKey: `${call.idempotencyKey}:confirm` }),
    );
    if (pi.status === 'requires_capture') return { ref: pi.id };
    // 3-D Secure or a failed attempt: nothing we can capture. Cancel so nothing lingers, then decline.
    await this.stripe.paymentIntents
      .cancel(pi.id, {}, { idempotencyKey: `${call.idempotencyKey}:cancel` })
      .catch(() => undefined);
    throw new PaymentDeclinedError(input.orderId, pi.last_payment_error?.decline_code ?? pi.status);
  }

  async capture(input: PaymentRef, call: ProviderCall): Promise<{ ref?: string }> {
    // Refunds name the PaymentIntent: no capture id to keep.
    await this.run(
      input.orderId,
      () =>
        this.stripe.paymentIntents.capture(
          input.ref,
          { amount_to_capture: input.amount },
          { idempotencyKey: call.idempotencyKey },
        ),
      'succeeded',
    );
    return {};
  }

  async void(input: ReleaseInput, call: ProviderCall): Promise<void> {
    // No id: the create never answered, so the PaymentIntent (if any) was never confirmed and holds nothing.
    if (!input.ref) return;
    const ref = input.ref;
    await this.run(
      input.orderId,
      () => this.stripe.paymentIntents.cancel(ref, {}, { idempotencyKey: call.idempotencyKey }),
      'canceled',
    );
  }

  async refund(input: PaymentRef & { refundId: string }, call: ProviderCall): Promise<{ ref: string }> {
    const refund = await this.run(input.orderId, () =>
      this.stripe.refunds.create(
        {
          payment_intent: input.ref,
          amount: input.amount,
          metadata: { order_id: input.orderId, refund_id: input.refundId },
        },
        { idempotencyKey: call.idempotencyKey },
      ),
    );
    if (refund.status === 'failed' || refund.status === 'canceled') {
      throw new PaymentDeclinedError(input.orderId, refund.failure_reason ?? 'refund_failed');
    }
    return { ref: refund.id };
  }

  /**
   * One SDK call, its faults in our terms: a card error or an unusable payment method is a decline;
   * a PaymentIntent already in the state the call wants (`done`) is success (an earlier attempt got
   * there); anything else (auth, rate limit, 5xx, network) is unavailable.
   */
  private async run<T>(orderId: string, fn: () => Promise<T>, done?: string): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      const err = e as StripeFault;
      if (done && err.code === 'payment_intent_unexpected_state' && err.raw?.payment_intent?.status === done) {
        return undefined as T;
      }
      if (err.type === 'StripeCardError') throw new PaymentDeclinedError(orderId, err.decline_code ?? err.code);
      if (err.type === 'StripeInvalidRequestError' && /payment_method|resource_missing/.test(err.code ?? '')) {
        throw new PaymentDeclinedError(orderId, 'invalid_payment_method');
      }
      if (err.type === 'StripeInvalidRequestError' && err.code === 'payment_intent_unexpected_state') {
        throw new PaymentDeclinedError(orderId, err.raw?.payment_intent?.status ?? 'unexpected_state');
      }
      throw new PaymentUnavailableError(`stripe: ${err.type ?? 'error'} ${err.code ?? ''} ${err.message}`, true);
    }
  }
}
