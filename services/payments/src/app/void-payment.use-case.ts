import { inject, injectable } from 'tsyringe';
import { journal } from '../domain/ledger';
import { decideVoid, type Payment, providerKey } from '../domain/payment';
import { PaymentNotFoundError } from '../domain/payment.errors';
import { paymentEvent } from './payment-events';
import { PAYMENTS, type PaymentsSettings } from './payments.tokens';
import { Patience, SingleFlight } from './patience';
import type { PaymentProvidersPort } from './ports/payment-provider.port';
import type { ClaimedPayment, PaymentRepositoryPort } from './ports/payment.repository.port';
import { callEnd, isProviderAnswer } from './provider-caller';
import { applied } from './step-result';

/**
 * Invariant: after a void nothing stays held. An authorized payment is cancelled at the provider
 * (`<orderId>:void`) and booked once. An order whose authorization never answered is released by
 * its authorize key, then ends `cancelled`; one with no payment at all gets a cancelled tombstone,
 * so an authorization that arrives late is refused rather than left holding money. Both answer
 * not found (no payment), which the client turns into null.
 */
@injectable()
export class VoidPaymentUseCase {
  private readonly flights = new SingleFlight();

  constructor(
    @inject(PAYMENTS.Settings) private readonly settings: PaymentsSettings,
    @inject(PAYMENTS.Payments) private readonly payments: PaymentRepositoryPort,
    @inject(PAYMENTS.Providers) private readonly providers: PaymentProvidersPort,
  ) {}

  /**
   * `customerId`, when the caller knows it: the payment is read on its customer's shard, and a
   * tombstone is written there (where a late authorization would land).
   */
  async execute(orderId: string, customerId?: string): Promise<Payment> {
    return (await this.flights.run(orderId, () => this.run(orderId, customerId))).result;
  }

  private async run(orderId: string, customerId?: string): Promise<Payment> {
    const patience = new Patience(orderId, this.settings.waitMs);
    for (;;) {
      const p = await this.payments.find(orderId, customerId);
      if (!p) {
        if (await this.payments.createCancelled(orderId, customerId)) throw new PaymentNotFoundError(orderId);
        patience.round(); // an authorization arrived meanwhile: void that
        continue;
      }
      const d = decideVoid(p);
      if (d.do === 'answer') return p;
      if (d.do === 'wait') {
        await patience.pause(); // an authorization or capture in flight: void what it leaves
        continue;
      }
      // A cancel that needs no release calls nobody: no call to log.
      const call = d.do === 'cancel' && !d.release ? undefined : { idempotencyKey: providerKey(orderId, 'void') };
      const claimed = await this.payments.claim(p, 'void', this.settings.leaseMs, call);
      if (!claimed) {
        patience.round();
        continue;
      }
      if (d.do === 'cancel') {
        await this.cancelAt(claimed, d.release);
        throw new PaymentNotFoundError(orderId);
      }
      const done = await this.voidAt(claimed);
      if (done) return done;
      patience.round();
    }
  }

  private async voidAt(claimed: ClaimedPayment): Promise<Payment | undefined> {
    const key = providerKey(claimed.orderId, 'void');
    await this.release(claimed, {});
    return this.payments.finish(
      claimed,
      {
        change: { status: 'voided' },
        journal: journal('void', claimed.orderId, key, claimed.amount, claimed.currency),
        events: [paymentEvent('voided', key, applied(claimed, { status: 'voided' }))],
      },
      callEnd(),
    );
  }

  /** No authorization on our books: release at the provider whatever the authorize key may have made. */
  private async cancelAt(claimed: ClaimedPayment, release: boolean): Promise<void> {
    if (release) await this.release(claimed, { status: 'failed' });
    await this.payments.finish(claimed, { change: { status: 'cancelled' } }, release ? callEnd() : undefined);
  }

  /** The provider's release; if it refuses or does not answer, the step ends with `onFailure` and throws. */
  private async release(claimed: ClaimedPayment, onFailure: { status?: 'failed' }): Promise<void> {
    const provider = this.providers.get(claimed.provider);
    try {
      await provider.void(
        {
          orderId: claimed.orderId,
          ref: claimed.providerRef,
          authorizeKey: providerKey(claimed.orderId, 'authorize'),
          amount: claimed.amount,
          currency: claimed.currency,
        },
        { idempotencyKey: providerKey(claimed.orderId, 'void') },
      );
    } catch (e) {
      if (isProviderAnswer(e)) await this.payments.finish(claimed, { change: onFailure }, callEnd(e));
      throw e;
    }
  }
}
