import { createHash } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import type { Quote } from '../domain/discount';
import { normalizeCode } from '../domain/promotion';
import { PromotionInvalidError, RedemptionMismatchError, refusalError } from '../domain/promotion.errors';
import type { Redemption } from '../domain/redemption';
import { Pricing, type PricingRequest } from './pricing';
import { PROMOTIONS, type PromotionsSettings } from './promotions.tokens';
import type { RedemptionRepositoryPort, ReserveOutcome } from './ports/redemption.repository.port';

export interface ReserveCommand extends PricingRequest {
  orderId: string;
  customerId: string;
}

/** A held (or remembered) redemption, or `none`: nothing applied and no coupon, so nothing stored. */
export type ReserveAnswer =
  | { kind: 'stored'; redemption: Redemption & { quote: Quote }; created: boolean }
  | { kind: 'none'; orderId: string; quote: Quote };

/**
 * The checkout saga's promotion step. Invariants:
 * - one outcome per order id: a repeated call answers the first outcome (a refusal included) and
 *   holds no second use; the same id with other values is PROMOTION.REQUEST_MISMATCH;
 * - a granted coupon holds one use of its global cap and one of the customer's, decided by
 *   conditional UPDATEs in the transaction that stores the outcome, so caps hold under any number of
 *   concurrent checkouts on any number of instances;
 * - the use stays held until commit, release, or holdMs without either (the sweep gives it back).
 */
@injectable()
export class ReserveRedemptionUseCase {
  constructor(
    @inject(PROMOTIONS.Settings) private readonly settings: PromotionsSettings,
    @inject(PROMOTIONS.Redemptions) private readonly redemptions: RedemptionRepositoryPort,
    @inject(Pricing) private readonly pricing: Pricing,
  ) {}

  async execute(cmd: ReserveCommand): Promise<ReserveAnswer> {
    const hash = requestHash(cmd);
    const now = this.settings.now();
    const code = cmd.couponCode === undefined ? null : normalizeCode(cmd.couponCode);
    const { outcome: priced, coupon } = await this.pricing.price(cmd, now);
    if (priced.ok && code === null && !priced.quote.applied.length) {
      // Nothing to hold or remember, unless the order did get something earlier (an automatic
      // discount that has ended since) or was released already: then that is its answer.
      const earlier = await this.redemptions.find(cmd.orderId);
      if (earlier) return replay(earlier, hash, false);
      return { kind: 'none', orderId: cmd.orderId, quote: priced.quote };
    }
    // No lookup first: the redemption's primary key finds an earlier outcome of the order (one
    // statement less per checkout), and the repository answers that one instead.
    const outcome: ReserveOutcome = priced.ok
      ? {
          kind: 'granted',
          quote: priced.quote,
          coupon: code !== null && coupon ? { id: coupon.id, code, maxPerCustomer: coupon.maxPerCustomer } : null,
          holdUntil: new Date(now.getTime() + this.settings.holdMs),
        }
      : { kind: 'refused', refusal: { code: 'PROMOTION.INVALID', reason: priced.reason, details: priced.details } };
    const { redemption, created } = await this.redemptions.reserve(
      { orderId: cmd.orderId, customerId: cmd.customerId, couponCode: code, requestHash: hash, outcome },
      now,
    );
    return replay(redemption, hash, created);
  }
}

function replay(r: Redemption, hash: string, created: boolean): ReserveAnswer {
  // A release tombstone: the order was released before its reserve arrived; it holds nothing.
  if (r.requestHash === '') throw new PromotionInvalidError('released', { orderId: r.orderId });
  if (r.requestHash !== hash) throw new RedemptionMismatchError(r.orderId);
  if (r.refusal) throw refusalError(r.refusal);
  if (!r.quote) throw new PromotionInvalidError('released', { orderId: r.orderId });
  return { kind: 'stored', redemption: { ...r, quote: r.quote }, created };
}

/**
 * What makes two reserve calls the same request. Not the departments: orders looks them up from the
 * catalog again on a retry, and a product moved to another category meanwhile is the same order (its
 * first outcome stands), not a conflicting one.
 */
export function requestHash(cmd: ReserveCommand): string {
  const canonical = {
    customerId: cmd.customerId,
    couponCode: cmd.couponCode === undefined ? null : normalizeCode(cmd.couponCode),
    currency: cmd.currency,
    lines: cmd.lines.map((l) => [l.sku, l.quantity, l.unitPrice]),
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}
