import type { ProviderName } from '../../domain/payment';

/**
 * One payment provider (test, Stripe, PayPal, Adyen) behind the same four moves. Every call
 * carries the idempotency key of its step (`<orderId>:authorize`, `:capture`, `:void`,
 * `:refund:<refundId>`): a provider that already did the step answers its first result instead of
 * moving money again. Adapters throw PaymentDeclinedError for a refusal (nothing moved) and
 * PaymentUnavailableError when there is no answer; `signal` ends a call that ran out of time.
 */
export interface ProviderCall {
  idempotencyKey: string;
  signal?: AbortSignal;
  /**
   * Authorize only: stores the provider's id of the payment BEFORE the call that can hold money
   * (Stripe creates the PaymentIntent unconfirmed, then confirms it). If the confirming call never
   * answers, a void still knows what to cancel. Throws when this caller's step was taken over:
   * the adapter must then not go on.
   */
  remember?: (ref: string) => Promise<void>;
}

export interface AuthorizeInput {
  orderId: string;
  customerId: string;
  amount: number;
  currency: string;
  /** The provider's payment method token; never stored. */
  token: string;
}

export interface PaymentRef {
  orderId: string;
  /** The provider's id of the authorization (PaymentIntent, PayPal authorization, Adyen PSP reference). */
  ref: string;
  /** The capture's own id, when the provider gave one (refunds name it). */
  captureRef?: string;
  amount: number;
  currency: string;
}

export interface ReleaseInput {
  orderId: string;
  /** Absent when the authorization's answer never came: release whatever `authorizeKey` created. */
  ref?: string;
  authorizeKey: string;
  amount: number;
  currency: string;
}

export interface PaymentProviderPort {
  readonly name: ProviderName;
  authorize(input: AuthorizeInput, call: ProviderCall): Promise<{ ref: string }>;
  /** The capture's own id when the provider has one (PayPal refunds name the capture, not the authorization). */
  capture(input: PaymentRef, call: ProviderCall): Promise<{ ref?: string }>;
  /** Cancels an authorization; a release of one that does not exist (or is gone) succeeds. */
  void(input: ReleaseInput, call: ProviderCall): Promise<void>;
  refund(input: PaymentRef & { refundId: string }, call: ProviderCall): Promise<{ ref: string }>;
}

/** The providers this deployment has credentials for. */
export interface PaymentProvidersPort {
  /** Throws ProviderNotConfiguredError for one it has none for. */
  get(name: ProviderName): PaymentProviderPort;
}
