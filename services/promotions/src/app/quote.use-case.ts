import { inject, injectable } from 'tsyringe';
import type { Quote } from '../domain/discount';
import { PromotionInvalidError, PromotionLimitExceededError } from '../domain/promotion.errors';
import { Pricing } from './pricing';
import { PROMOTIONS, type PromotionsSettings } from './promotions.tokens';
import type { PromotionRepositoryPort } from './ports/promotion.repository.port';
import type { PricingRequest } from './pricing';

/**
 * What an order would get now, holding nothing: a cart's preview. With a customer, the coupon's
 * per-customer cap is checked too; the global cap is not (it is decided only when a checkout holds a
 * use), so a preview may succeed and the checkout still answer PROMOTION.EXHAUSTED.
 */
@injectable()
export class QuoteUseCase {
  constructor(
    @inject(PROMOTIONS.Settings) private readonly settings: PromotionsSettings,
    @inject(PROMOTIONS.Promotions) private readonly promotions: PromotionRepositoryPort,
    @inject(Pricing) private readonly pricing: Pricing,
  ) {}

  async execute(req: PricingRequest & { customerId?: string }): Promise<Quote> {
    const { outcome, coupon } = await this.pricing.price(req, this.settings.now());
    if (!outcome.ok) throw new PromotionInvalidError(outcome.reason, outcome.details);
    if (coupon?.code && coupon.maxPerCustomer !== null && req.customerId) {
      const uses = await this.promotions.customerUses(coupon.id, req.customerId);
      if (uses >= coupon.maxPerCustomer) throw new PromotionLimitExceededError(coupon.code, coupon.maxPerCustomer);
    }
    return outcome.quote;
  }
}
