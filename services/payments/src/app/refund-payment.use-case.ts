import { inject, injectable } from 'tsyringe';
import type { RefundRequest } from '../../contract';
import { journal } from '../domain/ledger';
import { assertRefundable, type Payment, providerKey } from '../domain/payment';
import { PaymentDeclinedError, PaymentNotFoundError, PaymentUnavailableError } from '../domain/payment.errors';
import { decideRefund } from '../domain/refund';
import { paymentEvent } from './payment-events';
import { PAYMENTS, type PaymentsSettings } from './payments.tokens';
import { Patience, SingleFlight } from './patience';
import type { PaymentProvidersPort } from './ports/payment-provider.port';
import type { ClaimedRefund, PaymentRepositoryPort } from './ports/payment.repository.port';
import { callEnd } from './provider-caller';

/**
 * Invariant: refunds never exceed the capture. A refund first reserves its amount against what
 * is left of the capture in one conditional UPDATE (and a CHECK constraint says the same), so
 * concurrent refunds cannot add up to more; a refund id is applied once (`<orderId>:refund:<id>`),
 * a replay answers the payment, and a declined refund gives its reservation back.
 */
@injectable()
export class RefundPaymentUseCase {
  private readonly flights = new SingleFlight();

  constructor(
    @inject(PAYMENTS.Settings) private readonly settings: PaymentsSettings,
    @inject(PAYMENTS.Payments) private readonly payments: PaymentRepositoryPort,
    @inject(PAYMENTS.Providers) private readonly providers: PaymentProvidersPort,
  ) {}

  /** `created`: this call refunded (201); otherwise a replay of the refund id (200). */
  async execute(
    orderId: string,
    req: RefundRequest,
    customerId?: string,
  ): Promise<{ payment: Payment; created: boolean }> {
    const flight = `${orderId}:${req.refundId}:${req.amount}:${customerId ?? ''}`;
    const { result, joined } = await this.flights.run(flight, () => this.run(orderId, req, customerId));
    return { payment: result.payment, created: result.created && !joined };
  }

  private async run(
    orderId: string,
    req: RefundRequest,
    customerId?: string,
  ): Promise<{ payment: Payment; created: boolean }> {
    const patience = new Patience(orderId, this.settings.waitMs);
    const call = { idempotencyKey: providerKey(orderId, `refund:${req.refundId}`) };
    for (;;) {
      // The payment first: its row names the customer whose shard holds the refund (read on every
      // shard only when the caller did not say).
      const p = await this.payments.find(orderId, customerId);
      if (!p) throw new PaymentNotFoundError(orderId);
      const existing = await this.payments.findRefund(p, req.refundId);
      let claimed: ClaimedRefund | undefined;
      if (!existing) {
        assertRefundable(p, req.amount); // says why before trying (the reservation decides)
        const made = await this.payments.createRefund(p, req.refundId, req.amount, this.settings.leaseMs, call);
        if (made === 'exceeds') {
          const now = await this.payments.find(orderId, p.customerId);
          if (now) assertRefundable(now, req.amount); // throws with the amount left
        }
        claimed = typeof made === 'string' ? undefined : made;
      } else {
        const d = decideRefund(existing, req.amount);
        if (d === 'answer') return { payment: await this.current(orderId, p.customerId), created: false };
        if (d === 'wait') {
          await patience.pause();
          continue;
        }
        claimed = await this.payments.claimRefund(existing, this.settings.leaseMs, call);
      }
      const done = claimed && (await this.refundAt(claimed));
      if (done) return { payment: done, created: true };
      patience.round();
    }
  }

  private async refundAt(r: ClaimedRefund): Promise<Payment | undefined> {
    const p = await this.current(r.orderId, r.customerId);
    const key = providerKey(r.orderId, `refund:${r.refundId}`);
    const provider = this.providers.get(p.provider);
    let ref: string;
    try {
      ({ ref } = await provider.refund(
        {
          orderId: r.orderId,
          ref: p.providerRef ?? '',
          captureRef: p.captureRef,
          amount: r.amount,
          currency: p.currency,
          refundId: r.refundId,
        },
        { idempotencyKey: key },
      ));
    } catch (e) {
      if (e instanceof PaymentDeclinedError) await this.payments.finishRefund(r, { status: 'declined' }, callEnd(e));
      if (e instanceof PaymentUnavailableError)
        await this.payments.finishRefund(r, { status: 'unanswered' }, callEnd(e));
      throw e;
    }
    const ok = await this.payments.finishRefund(
      r,
      {
        status: 'succeeded',
        providerRef: ref,
        journal: journal('refund', r.orderId, key, r.amount, p.currency),
        // Concurrent refunds finish in any order: the event carries the figures as committed.
        events: (after) => [paymentEvent('refunded', key, after, { refundId: r.refundId, amount: r.amount })],
      },
      callEnd(),
    );
    return ok ? this.current(r.orderId, r.customerId) : undefined;
  }

  private async current(orderId: string, customerId: string): Promise<Payment> {
    const p = await this.payments.find(orderId, customerId);
    if (!p) throw new PaymentNotFoundError(orderId);
    return p;
  }
}
