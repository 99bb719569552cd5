import { inject, injectable } from 'tsyringe';
import { journal } from '../domain/ledger';
import { decideCapture, type Payment, providerKey } from '../domain/payment';
import { PaymentNotFoundError } from '../domain/payment.errors';
import { paymentEvent } from './payment-events';
import { PAYMENTS, type PaymentsSettings } from './payments.tokens';
import { Patience, SingleFlight } from './patience';
import type { PaymentProvidersPort } from './ports/payment-provider.port';
import type { ClaimedPayment, PaymentRepositoryPort } from './ports/payment.repository.port';
import { callEnd, isProviderAnswer } from './provider-caller';
import { applied } from './step-result';

/**
 * Invariant: one capture per order, of the whole authorized amount. Only the caller that claims the
 * step (authorized → capture, conditional on the row's attempt) calls the provider, with the key
 * `<orderId>:capture`; concurrent captures wait for it and answer the captured payment, and the
 * ledger refuses a second capture journal under that key.
 */
@injectable()
export class CapturePaymentUseCase {
  private readonly flights = new SingleFlight();

  constructor(
    @inject(PAYMENTS.Settings) private readonly settings: PaymentsSettings,
    @inject(PAYMENTS.Payments) private readonly payments: PaymentRepositoryPort,
    @inject(PAYMENTS.Providers) private readonly providers: PaymentProvidersPort,
  ) {}

  /** `customerId`, when the caller knows it, keys the reads to that customer's shard. */
  async execute(orderId: string, customerId?: string): Promise<Payment> {
    return (await this.flights.run(`${orderId}:${customerId ?? ''}`, () => this.run(orderId, customerId))).result;
  }

  private async run(orderId: string, customerId?: string): Promise<Payment> {
    const patience = new Patience(orderId, this.settings.waitMs);
    const call = { idempotencyKey: providerKey(orderId, 'capture') };
    for (;;) {
      const p = await this.payments.find(orderId, customerId);
      if (!p) throw new PaymentNotFoundError(orderId);
      const d = decideCapture(p);
      if (d.do === 'answer') return p;
      if (d.do === 'wait') {
        await patience.pause();
        continue;
      }
      const claimed = await this.payments.claim(p, 'capture', this.settings.leaseMs, call);
      const done = claimed && (await this.captureAt(claimed));
      if (done) return done;
      patience.round();
    }
  }

  private async captureAt(claimed: ClaimedPayment): Promise<Payment | undefined> {
    const key = providerKey(claimed.orderId, 'capture');
    const provider = this.providers.get(claimed.provider);
    let captureRef: string | undefined;
    try {
      ({ ref: captureRef } = await provider.capture(
        {
          orderId: claimed.orderId,
          ref: claimed.providerRef ?? '',
          amount: claimed.amount,
          currency: claimed.currency,
        },
        { idempotencyKey: key },
      ));
    } catch (e) {
      // Refused or unanswered: still authorized, the step is free again (a retry uses the same key).
      if (isProviderAnswer(e)) await this.payments.finish(claimed, { change: {} }, callEnd(e));
      throw e;
    }
    const change = { status: 'captured' as const, captured: claimed.amount, ...(captureRef ? { captureRef } : {}) };
    return this.payments.finish(
      claimed,
      {
        change,
        journal: journal('capture', claimed.orderId, key, claimed.amount, claimed.currency),
        events: [paymentEvent('captured', key, applied(claimed, change))],
      },
      callEnd(),
    );
  }
}
