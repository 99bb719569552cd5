import { type PricedLine, type QuoteOutcome, quote } from '../domain/discount';
import { normalizeCode, type Promotion } from '../domain/promotion';
import type { PromotionCatalog } from './promotion-catalog';

export interface PricingRequest {
  couponCode?: string;
  currency: string;
  lines: PricedLine[];
}

/** Loads what the rules need (the coupon, the automatic discounts) and runs them at `now`. */
export class Pricing {
  constructor(private readonly catalog: PromotionCatalog) {}

  async price(req: PricingRequest, now: Date): Promise<{ outcome: QuoteOutcome; coupon: Promotion | null }> {
    const code = req.couponCode === undefined ? undefined : normalizeCode(req.couponCode);
    const [coupon, automatic] = await Promise.all([
      code === undefined ? Promise.resolve(null) : this.catalog.coupon(code),
      this.catalog.runningAutomatic(now),
    ]);
    const outcome = quote({ currency: req.currency, lines: req.lines, automatic, coupon, couponCode: code, now });
    return { outcome, coupon };
  }
}
