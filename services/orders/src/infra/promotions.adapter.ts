import type { PromotionsClient } from '@dbcarts/promotions/client';
import type { PromotionAnswer, PromotionPort } from '../app/ports/checkout.ports';

/**
 * The promotion step of the saga through the promotions service. A refusal (422: unknown coupon,
 * exhausted, over the customer's limit) is an answer; a fault throws, and the saga undoes the order
 * (a reserve is idempotent by order id, a release safe on an order that never reserved).
 */
export class PromotionsAdapter implements PromotionPort {
  constructor(
    private readonly promotions: PromotionsClient,
    /** The live switch `orders.promotions.enabled`: off, orders take no discount and no call is made. */
    private readonly enabled: () => boolean = () => true,
  ) {}

  async reserve(req: Parameters<PromotionPort['reserve']>[0]): Promise<PromotionAnswer> {
    if (!this.enabled()) {
      // A coupon cannot be honoured while promotions are off: say so rather than charge full price.
      if (req.couponCode)
        return { ok: false, code: 'PROMOTION.INVALID', detail: 'Promotions are paused; try again later.' };
      return { ok: true, discount: 0 };
    }
    const r = await this.promotions.reserve(req);
    return r.ok ? { ok: true, discount: r.value.discount } : { ok: false, code: r.code, detail: r.problem.detail };
  }

  async commit(orderId: string): Promise<void> {
    await this.promotions.commit(orderId);
  }

  async release(orderId: string): Promise<void> {
    await this.promotions.release(orderId);
  }
}
