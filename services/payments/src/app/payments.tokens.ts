export const PAYMENTS = {
  Settings: Symbol('PaymentsSettings'),
  Payments: Symbol('PaymentRepository'),
  Ledger: Symbol('Ledger'),
  Providers: Symbol('PaymentProviders'),
  Webhooks: Symbol('WebhookVerifiers'),
  WebhookRecords: Symbol('WebhookRepository'),
} as const;

export interface PaymentsSettings {
  /**
   * How long a claimed step is its caller's alone: above the provider timeout, so only a caller
   * that died mid-call (or stalled far past the timeout) is taken over.
   */
  leaseMs: number;
  /** How long a request waits for another caller's provider call on the same order to end. */
  waitMs: number;
}
