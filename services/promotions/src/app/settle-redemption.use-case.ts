import { inject, injectable } from 'tsyringe';
import type { Quote } from '../domain/discount';
import { PromotionNotFoundError, RedemptionNotHeldError } from '../domain/promotion.errors';
import type { Redemption } from '../domain/redemption';
import { PROMOTIONS, type PromotionsSettings } from './promotions.tokens';
import type { RedemptionRepositoryPort } from './ports/redemption.repository.port';

export type PricedRedemption = Redemption & { quote: Quote };

/**
 * The saga's later steps. commit is idempotent (committed stays committed); release gives the use
 * back exactly once (the status move is conditional) and is safe on an order that never reserved.
 * Both answer 404 PROMOTION.NOT_FOUND when the order holds no priced redemption (no coupon and
 * nothing applied, a refusal, a release that came first): the client turns that into null.
 */
@injectable()
export class SettleRedemptionUseCase {
  constructor(
    @inject(PROMOTIONS.Settings) private readonly settings: PromotionsSettings,
    @inject(PROMOTIONS.Redemptions) private readonly redemptions: RedemptionRepositoryPort,
  ) {}

  async get(orderId: string): Promise<PricedRedemption> {
    return priced(orderId, await this.redemptions.find(orderId));
  }

  async commit(orderId: string): Promise<PricedRedemption> {
    const r = priced(orderId, await this.redemptions.commit(orderId, this.settings.now()));
    if (r.status !== 'committed') throw new RedemptionNotHeldError(orderId, r.status);
    return r;
  }

  async release(orderId: string): Promise<PricedRedemption> {
    return priced(orderId, await this.redemptions.release(orderId, this.settings.now()));
  }
}

function priced(orderId: string, r: Redemption | null): PricedRedemption {
  if (!r?.quote) throw new PromotionNotFoundError(`promotion redemption for order ${orderId}`);
  return { ...r, quote: r.quote };
}
