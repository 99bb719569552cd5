import { CheckoutAPI, Client, EnvironmentEnum, HttpClientException } from '@adyen/api-library';
import type {
  AuthorizeInput,
  PaymentProviderPort,
  PaymentRef,
  ProviderCall,
  ReleaseInput,
} from '../../app/ports/payment-provider.port';
import { PaymentDeclinedError, PaymentUnavailableError } from '../../domain/payment.errors';

export interface AdyenSettings {
  apiKey: string;
  merchantAccount: string;
  environment: 'TEST' | 'LIVE';
  /** The account's live URL prefix (LIVE only). */
  livePrefix?: string;
  timeoutMs: number;
  /** An HTTPS egress proxy for Adyen calls (a PCI egress point; the stand-in in tests). */
  proxyUrl?: string;
  /** Where a shopper comes back after a redirect (required by Adyen even for card-on-file). */
  returnUrl: string;
}

/**
 * Adyen through the official library (Checkout API). The token is a stored payment method of the
 * shopper (a card saved with Adyen, charged card-on-file), authorized with manual capture. Every
 * call carries its step's key as Idempotency-Key; the merchant reference is the order id, which is
 * what lets a void with no PSP reference (the authorization never answered) cancel by reference
 * (Adyen's technical cancel). Modifications are asynchronous at Adyen: a 201 `received` is the
 * acknowledgement, the CAPTURE/CANCELLATION webhook the outcome.
 */
export class AdyenProvider implements PaymentProviderPort {
  readonly name = 'adyen' as const;
  private readonly checkout: CheckoutAPI;

  constructor(private readonly settings: AdyenSettings) {
    const client = new Client({
      apiKey: settings.apiKey,
      environment: settings.environment === 'LIVE' ? EnvironmentEnum.LIVE : EnvironmentEnum.TEST,
      ...(settings.livePrefix ? { liveEndpointUrlPrefix: settings.livePrefix } : {}),
      connectionTimeoutMillis: settings.timeoutMs,
    });
    if (settings.proxyUrl) {
      const proxy = new URL(settings.proxyUrl);
      client.httpClient.proxy = { host: proxy.hostname, port: Number(proxy.port || 80) };
    }
    this.checkout = new CheckoutAPI(client);
  }

  async authorize(input: AuthorizeInput, call: ProviderCall): Promise<{ ref: string }> {
    const res = await this.run(input.orderId, () =>
      this.checkout.PaymentsApi.payments(
        {
          merchantAccount: this.settings.merchantAccount,
          reference: input.orderId,
          amount: { value: input.amount, currency: input.currency },
          paymentMethod: { type: 'scheme' as never, storedPaymentMethodId: input.token },
          shopperReference: input.customerId,
          shopperInteraction: 'ContAuth' as never,
          recurringProcessingModel: 'CardOnFile' as never,
          additionalData: { manualCapture: 'true' },
          returnUrl: this.settings.returnUrl,
        },
        { idempotencyKey: call.idempotencyKey },
      ),
    );
    if (res.resultCode === 'Authorised' && res.pspReference) return { ref: res.pspReference };
    throw new PaymentDeclinedError(input.orderId, res.refusalReasonCode ?? res.resultCode ?? 'refused');
  }

  async capture(input: PaymentRef, call: ProviderCall): Promise<{ ref?: string }> {
    const res = await this.run(input.orderId, () =>
      this.checkout.ModificationsApi.captureAuthorisedPayment(
        input.ref,
        {
          merchantAccount: this.settings.merchantAccount,
          amount: { value: input.amount, currency: input.currency },
          reference: `${input.orderId}:capture`,
        },
        { idempotencyKey: call.idempotencyKey },
      ),
    );
    return { ref: res.pspReference };
  }

  async void(input: ReleaseInput, call: ProviderCall): Promise<void> {
    if (input.ref) {
      await this.run(input.orderId, () =>
        this.checkout.ModificationsApi.cancelAuthorisedPaymentByPspReference(
          input.ref as string,
          { merchantAccount: this.settings.merchantAccount, reference: `${input.orderId}:void` },
          { idempotencyKey: call.idempotencyKey },
        ),
      );
      return;
    }
    // No PSP reference: cancel whatever was authorized under our merchant reference (the order id).
    await this.run(input.orderId, () =>
      this.checkout.ModificationsApi.cancelAuthorisedPayment(
        {
          merchantAccount: this.settings.merchantAccount,
          paymentReference: input.orderId,
          reference: `${input.orderId}:void`,
        },
        { idempotencyKey: call.idempotencyKey },
      ),
    );
  }

  async refund(input: PaymentRef & { refundId: string }, call: ProviderCall): Promise<{ ref: string }> {
    // Adyen refunds name the original payment's PSP reference, not the capture's.
    const res = await this.run(input.orderId, () =>
      this.checkout.ModificationsApi.refundCapturedPayment(
        input.ref,
        {
          merchantAccount: this.settings.merchantAccount,
          amount: { value: input.amount, currency: input.currency },
          reference: `${input.orderId}:refund:${input.refundId}`.slice(0, 80),
        },
        { idempotencyKey: call.idempotencyKey },
      ),
    );
    return { ref: res.pspReference };
  }

  /** Adyen's 422 (validation, e.g. an unknown stored method) is a decline; 401/403/5xx/network are unavailable. */
  private async run<T>(orderId: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof HttpClientException && (e.statusCode === 422 || e.statusCode === 400)) {
        throw new PaymentDeclinedError(orderId, e.errorCode ?? `http_${e.statusCode}`);
      }
      const status = e instanceof HttpClientException ? `HTTP ${e.statusCode}` : (e as Error).message;
      throw new PaymentUnavailableError(`adyen: ${status}`, true);
    }
  }
}
