import { createHash } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import type { AuthorizeRequest } from '../../contract';
import { journal } from '../domain/ledger';
import { decideAuthorize, type Payment, providerKey } from '../domain/payment';
import { PaymentDeclinedError, PaymentUnavailableError, StepTakenOverError } from '../domain/payment.errors';
import { paymentEvent } from './payment-events';
import { PAYMENTS, type PaymentsSettings } from './payments.tokens';
import { Patience, SingleFlight } from './patience';
import type { PaymentProviderPort, PaymentProvidersPort } from './ports/payment-provider.port';
import type { ClaimedPayment, PaymentRepositoryPort } from './ports/payment.repository.port';
import { callEnd } from './provider-caller';
import { applied } from './step-result';

/**
 * Invariant: one authorization per order. The payment row (primary key = order id) is created with
 * the authorize step already claimed, so of N concurrent first calls one inserts and calls the
 * provider; the others wait for its outcome and answer it. A retry after no answer calls again with
 * the same provider key (`<orderId>:authorize`), which the provider answers with the first result.
 */
@injectable()
export class AuthorizePaymentUseCase {
  private readonly flights = new SingleFlight();

  constructor(
    @inject(PAYMENTS.Settings) private readonly settings: PaymentsSettings,
    @inject(PAYMENTS.Payments) private readonly payments: PaymentRepositoryPort,
    @inject(PAYMENTS.Providers) private readonly providers: PaymentProvidersPort,
  ) {}

  /** `created`: this call authorized (201); otherwise it answers an earlier outcome (200). */
  async execute(req: AuthorizeRequest): Promise<{ payment: Payment; created: boolean }> {
    const hash = requestHash(req);
    const { result, joined } = await this.flights.run(`${req.orderId}:${hash}`, () => this.run(req, hash));
    return { payment: result.payment, created: result.created && !joined };
  }

  private async run(req: AuthorizeRequest, hash: string): Promise<{ payment: Payment; created: boolean }> {
    const provider = this.providers.get(req.provider); // an unsupported provider stores nothing
    const patience = new Patience(req.orderId, this.settings.waitMs);
    const call = { idempotencyKey: providerKey(req.orderId, 'authorize') };
    // The usual first call: insert straight away (the primary key decides), read only if taken.
    const fresh = await this.payments.createClaimed(newPayment(req, hash), this.settings.leaseMs, call);
    if (fresh) {
      const done = await this.authorizeAt(provider, fresh, req, false);
      if (done) return { payment: done, created: true };
    }
    for (;;) {
      // Keyed by the customer first; then on every shard, for the one row of this order that is not
      // the customer's: a void's tombstone left by a caller that did not name the customer.
      const p = (await this.payments.find(req.orderId, req.customerId)) ?? (await this.payments.find(req.orderId));
      if (!p) {
        patience.round(); // cannot happen: payments are never deleted
        continue;
      }
      const d = decideAuthorize(p, hash);
      if (d.do === 'answer') return { payment: p, created: false };
      if (d.do === 'wait') {
        await patience.pause();
        continue;
      }
      const claimed = await this.payments.claim(p, 'authorize', this.settings.leaseMs, call);
      const done = claimed && (await this.authorizeAt(provider, claimed, req, p.providerReached));
      if (done) return { payment: done, created: true };
      patience.round(); // another caller claimed first, or took our claim over: decide on theirs
    }
  }

  /** The provider call of a claimed step; undefined when the claim was taken over meanwhile. */
  private async authorizeAt(
    provider: PaymentProviderPort,
    claimed: ClaimedPayment,
    req: AuthorizeRequest,
    reachedBefore: boolean,
  ): Promise<Payment | undefined> {
    const key = providerKey(req.orderId, 'authorize');
    let ref: string;
    try {
      ({ ref } = await provider.authorize(
        {
          orderId: req.orderId,
          customerId: req.customerId,
          amount: req.amount.amount,
          currency: req.amount.currency,
          token: req.token,
        },
        {
          idempotencyKey: key,
          remember: async (r) => {
            if (!(await this.payments.remember(claimed, r))) throw new StepTakenOverError(req.orderId);
          },
        },
      ));
    } catch (e) {
      if (e instanceof PaymentDeclinedError) {
        const declineCode = String(e.details.declineCode ?? 'card_declined');
        await this.payments.finish(
          claimed,
          { change: { status: 'declined', declineCode, providerReached: true } },
          callEnd(e),
        );
      } else if (e instanceof PaymentUnavailableError) {
        // A timeout may have reached the provider (a void then releases by key); an open breaker did not.
        const change = { status: 'failed' as const, providerReached: reachedBefore || e.reached };
        await this.payments.finish(claimed, { change }, callEnd(e));
      }
      throw e; // anything else (the database, a takeover): the lease runs out and the next caller takes over
    }
    const change = { status: 'authorized' as const, providerRef: ref, providerReached: true };
    return this.payments.finish(
      claimed,
      {
        change,
        journal: journal('authorize', req.orderId, key, claimed.amount, claimed.currency),
        events: [paymentEvent('authorized', key, applied(claimed, change))],
      },
      callEnd(),
    );
  }
}

function newPayment(req: AuthorizeRequest, hash: string) {
  return {
    orderId: req.orderId,
    customerId: req.customerId,
    provider: req.provider,
    currency: req.amount.currency,
    amount: req.amount.amount,
    requestHash: hash,
  };
}

/** The same order again must carry the same request; the token is hashed, never stored. */
export function requestHash(req: AuthorizeRequest): string {
  const canonical = JSON.stringify([req.customerId, req.amount.amount, req.amount.currency, req.provider, req.token]);
  return createHash('sha256').update(canonical).digest('base64url');
}
