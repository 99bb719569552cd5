import { inject, injectable } from 'tsyringe';
import { journal } from '../domain/ledger';
import { type ProviderName, providerKey } from '../domain/payment';
import { planNotice } from '../domain/provider-notice';
import { paymentEvent } from './payment-events';
import { PAYMENTS } from './payments.tokens';
import type { NoticeEffect, WebhookHeaders, WebhookRepositoryPort, WebhookVerifiersPort } from './ports/webhook.port';
import { applied as after } from './step-result';

export interface WebhookReceipt {
  received: number;
  applied: number;
  duplicates: number;
}

/**
 * A provider's webhook: its signature verified on the raw body first (nothing is read from an
 * unverified payload), then every event recorded once by its id, in the same transaction as what
 * it changes, so a redelivery (providers retry until they get a 2xx) changes nothing twice.
 */
@injectable()
export class HandleWebhookUseCase {
  constructor(
    @inject(PAYMENTS.Webhooks) private readonly verifiers: WebhookVerifiersPort,
    @inject(PAYMENTS.WebhookRecords) private readonly records: WebhookRepositoryPort,
  ) {}

  async execute(provider: ProviderName, raw: Buffer, headers: WebhookHeaders): Promise<WebhookReceipt> {
    const notices = await this.verifiers.get(provider).verify(raw, headers);
    const receipt: WebhookReceipt = { received: notices.length, applied: 0, duplicates: 0 };
    for (const notice of notices) {
      const payment = notice.ref ? await this.records.findByRef(provider, notice.ref) : undefined;
      const plan = planNotice(payment, notice);
      let effect: NoticeEffect | undefined;
      if (payment && plan !== 'none') {
        const key = providerKey(payment.orderId, plan);
        const kind = plan === 'capture' ? 'captured' : 'voided';
        const change =
          plan === 'capture'
            ? { status: 'captured' as const, captured: payment.amount }
            : { status: 'voided' as const };
        effect = {
          payment,
          change,
          journal: journal(plan, payment.orderId, key, payment.amount, payment.currency),
          events: [paymentEvent(kind, key, after(payment, change))],
        };
      }
      const outcome = await this.records.record(notice, effect, payment);
      if (outcome === 'applied') receipt.applied++;
      if (outcome === 'duplicate') receipt.duplicates++;
    }
    return receipt;
  }
}
