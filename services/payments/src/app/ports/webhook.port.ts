import type { ProviderName } from '../../domain/payment';
import type { ProviderNotice } from '../../domain/provider-notice';
import type { OutboxEvent, PaymentChange } from './payment.repository.port';
import type { Journal } from '../../domain/ledger';
import type { Payment } from '../../domain/payment';

export type WebhookHeaders = Record<string, string | string[] | undefined>;

/** One provider's signature scheme, checked on the exact bytes received, and its events in our words. */
export interface WebhookVerifierPort {
  /** Throws WebhookSignatureError unless the provider signed exactly these bytes. */
  verify(raw: Buffer, headers: WebhookHeaders): Promise<ProviderNotice[]>;
}

export interface WebhookVerifiersPort {
  /** Throws WebhookNotConfiguredError for a provider without a signing secret here. */
  get(provider: ProviderName): WebhookVerifierPort;
}

/** The change a notice makes to its payment, booked with the deduplication row. */
export interface NoticeEffect {
  payment: Payment;
  change: PaymentChange;
  journal: Journal;
  events: OutboxEvent[];
}

export interface WebhookRepositoryPort {
  findByRef(provider: ProviderName, ref: string): Promise<Payment | undefined>;
  /**
   * Records the event once (provider, event id) and applies its effect in the same transaction:
   * 'duplicate' when the event was seen before (nothing applied again), 'ignored' when the payment
   * had already moved on; the row sits with the payment's customer (shard key). Throws PaymentBusyError while one of our own steps holds the payment
   * (nothing recorded: the provider delivers it again later).
   */
  record(
    notice: ProviderNotice,
    effect?: NoticeEffect,
    /** The payment the notice names, when found without an effect: its customer places the row. */
    payment?: Payment,
  ): Promise<'applied' | 'ignored' | 'duplicate'>;
}
