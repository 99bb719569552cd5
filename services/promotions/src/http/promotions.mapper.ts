import type { PromotionDto, PublicPromotionDto, QuoteDto, RedemptionDto, RedemptionStatus } from '../../contract';
import type { PricedRedemption } from '../app/settle-redemption.use-case';
import type { Quote } from '../domain/discount';
import type { Promotion } from '../domain/promotion';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toQuoteDto(q: Quote): QuoteDto {
  return {
    currency: q.currency,
    subtotal: q.subtotal,
    discount: q.discount,
    total: q.total,
    lines: q.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitPrice: l.unitPrice, discount: l.discount })),
    applied: q.applied.map((a) => ({
      promotionId: a.promotionId,
      code: a.code,
      kind: a.kind,
      value: a.value,
      discount: a.discount,
    })),
  };
}

export function toRedemptionDto(r: PricedRedemption): RedemptionDto {
  return {
    orderId: r.orderId,
    // Refused rows never reach here (they answer their problem).
    status: r.status as RedemptionStatus,
    couponCode: r.couponCode,
    holdUntil: r.status === 'reserved' ? iso(r.holdUntil) : null,
    ...toQuoteDto(r.quote),
  };
}

/** Nothing applied and no coupon: the priced order, with nothing stored to commit or release. */
export function toNoneDto(orderId: string, q: Quote): RedemptionDto {
  return { orderId, status: 'none', couponCode: null, holdUntil: null, ...toQuoteDto(q) };
}

export function toPromotionDto(p: Promotion): PromotionDto {
  return {
    id: p.id,
    code: p.code,
    automatic: p.code === null,
    kind: p.kind,
    value: p.value,
    currency: p.currency,
    minSubtotal: p.minSubtotal,
    startsAt: iso(p.startsAt),
    endsAt: iso(p.endsAt),
    maxRedemptions: p.maxRedemptions,
    maxPerCustomer: p.maxPerCustomer,
    skus: p.skus,
    departments: p.departments,
    active: p.active,
    used: p.used,
    createdAt: p.createdAt.toISOString(),
  };
}

/** What a shopper sees: the offer and its conditions, never caps or counts. */
export function toPublicPromotionDto(p: Promotion & { code: string }): PublicPromotionDto {
  return {
    code: p.code,
    kind: p.kind,
    value: p.value,
    currency: p.currency,
    minSubtotal: p.minSubtotal,
    startsAt: iso(p.startsAt),
    endsAt: iso(p.endsAt),
    skus: p.skus,
    departments: p.departments,
  };
}
