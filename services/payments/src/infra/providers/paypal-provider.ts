import { ApiError, Client, Environment, OrdersController, PaymentsController } from '@paypal/paypal-server-sdk';
import type {
  AuthorizeInput,
  PaymentProviderPort,
  PaymentRef,
  ProviderCall,
  ReleaseInput,
} from '../../app/ports/payment-provider.port';
import { PaymentDeclinedError, PaymentUnavailableError } from '../../domain/payment.errors';
import { toDecimal } from './money-format';

export interface PayPalSettings {
  clientId: string;
  clientSecret: string;
  environment: 'sandbox' | 'production';
  timeoutMs: number;
  /** An HTTPS egress proxy for PayPal calls (a PCI egress point; the stand-in in tests). */
  proxyUrl?: string;
}

/** Before the authorization answers, what we remember is the approved order: a void then finds its authorizations. */
const ORDER_PREFIX = 'paypal-order:';

/**
 * PayPal through the official server SDK (Orders v2). The token is the PayPal order the buyer
 * approved in the storefront (PayPal's buttons); authorize turns it into an authorization, whose
 * amount must be exactly ours (the order was built in the browser). Every call carries its step's
 * key as PayPal-Request-Id (PayPal keeps it 45 days and answers a repeat with the first result).
 */
export class PayPalProvider implements PaymentProviderPort {
  readonly name = 'paypal' as const;
  private readonly orders: OrdersController;
  private readonly payments: PaymentsController;

  constructor(settings: PayPalSettings) {
    const client = new Client({
      clientCredentialsAuthCredentials: { oAuthClientId: settings.clientId, oAuthClientSecret: settings.clientSecret },
      environment: settings.environment === 'production' ? Environment.Production : Environment.Sandbox,
      timeout: settings.timeoutMs,
      httpClientOptions: {
        timeout: settings.timeoutMs,
        retryConfig: { maxNumberOfRetries: 0 },
        ...(settings.proxyUrl ? { proxySettings: { address: settings.proxyUrl } } : {}),
      },
    });
    this.orders = new OrdersController(client);
    this.payments = new PaymentsController(client);
  }

  async authorize(input: AuthorizeInput, call: ProviderCall): Promise<{ ref: string }> {
    await call.remember?.(`${ORDER_PREFIX}${input.token}`);
    const { result } = await this.run(input.orderId, () =>
      this.orders.authorizeOrder(
        { id: input.token, paypalRequestId: call.idempotencyKey, prefer: 'return=representation', body: {} },
        { abortSignal: call.signal },
      ),
    );
    const auth = result.purchaseUnits?.[0]?.payments?.authorizations?.[0];
    if (!auth?.id || auth.status !== 'CREATED')
      throw new PaymentDeclinedError(input.orderId, auth?.status ?? 'not_authorized');
    const expected = { currencyCode: input.currency, value: toDecimal(input.amount, input.currency) };
    if (auth.amount?.currencyCode !== expected.currencyCode || auth.amount?.value !== expected.value) {
      // The buyer approved another amount than the order's total: release it, never capture it.
      await this.releaseAuthorization(input.orderId, auth.id, `${call.idempotencyKey}:mismatch`, call.signal);
      throw new PaymentDeclinedError(input.orderId, 'amount_mismatch');
    }
    return { ref: auth.id };
  }

  async capture(input: PaymentRef, call: ProviderCall): Promise<{ ref?: string }> {
    const { result } = await this.run(input.orderId, () =>
      this.payments.captureAuthorizedPayment(
        {
          authorizationId: input.ref,
          paypalRequestId: call.idempotencyKey,
          prefer: 'return=representation',
          body: {
            amount: { currencyCode: input.currency, value: toDecimal(input.amount, input.currency) },
            finalCapture: true,
          },
        },
        { abortSignal: call.signal },
      ),
    );
    if (result.status === 'DECLINED' || result.status === 'FAILED') {
      throw new PaymentDeclinedError(input.orderId, `capture_${result.status.toLowerCase()}`);
    }
    return { ref: result.id };
  }

  async void(input: ReleaseInput, call: ProviderCall): Promise<void> {
    if (!input.ref) return; // nothing was even sent: no approved order was authorized by us
    if (!input.ref.startsWith(ORDER_PREFIX)) {
      return this.releaseAuthorization(input.orderId, input.ref, call.idempotencyKey, call.signal);
    }
    // The authorize call never answered: whatever authorization it made is on the order.
    const { result } = await this.run(input.orderId, () =>
      this.orders.getOrder({ id: input.ref?.slice(ORDER_PREFIX.length) ?? '' }, { abortSignal: call.signal }),
    );
    const held = (result.purchaseUnits ?? []).flatMap((u) => u.payments?.authorizations ?? []);
    for (const a of held) {
      if (a.id && a.status === 'CREATED')
        await this.releaseAuthorization(input.orderId, a.id, call.idempotencyKey, call.signal);
    }
  }

  async refund(input: PaymentRef & { refundId: string }, call: ProviderCall): Promise<{ ref: string }> {
    const { result } = await this.run(input.orderId, () =>
      this.payments.refundCapturedPayment(
        {
          captureId: input.captureRef ?? input.ref,
          paypalRequestId: call.idempotencyKey,
          prefer: 'return=representation',
          body: {
            amount: { currencyCode: input.currency, value: toDecimal(input.amount, input.currency) },
            customId: input.refundId,
          },
        },
        { abortSignal: call.signal },
      ),
    );
    if (!result.id || result.status === 'FAILED' || result.status === 'CANCELLED') {
      throw new PaymentDeclinedError(input.orderId, 'refund_failed');
    }
    return { ref: result.id };
  }

  private async releaseAuthorization(orderId: string, id: string, key: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.run(orderId, () =>
        this.payments.voidPayment({ authorizationId: id, paypalRequestId: key }, { abortSignal: signal }),
      );
    } catch (e) {
      // Already voided (an earlier attempt) is what we wanted.
      if (e instanceof PaymentDeclinedError && e.details.declineCode === 'AUTHORIZATION_ALREADY_VOIDED') return;
      throw e;
    }
  }

  /** PayPal's 4xx refusals (422 with an issue, 404 order) are declines; auth, 5xx and network are unavailable. */
  private async run<T>(orderId: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof ApiError && [400, 404, 409, 422].includes(e.statusCode)) {
        const issue = (e.result as { details?: { issue?: string }[]; name?: string } | undefined)?.details?.[0]?.issue;
        throw new PaymentDeclinedError(orderId, issue ?? `http_${e.statusCode}`);
      }
      const status = e instanceof ApiError ? `HTTP ${e.statusCode}` : (e as Error).message;
      throw new PaymentUnavailableError(`paypal: ${status}`, true);
    }
  }
}
