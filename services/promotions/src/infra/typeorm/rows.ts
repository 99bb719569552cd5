import type { Quote } from '../../domain/discount';
import type { Promotion } from '../../domain/promotion';
import type { StoredRefusal } from '../../domain/promotion.errors';
import type { Redemption } from '../../domain/redemption';

export interface PromotionRow {
  id: string;
  code: string | null;
  kind: Promotion['kind'];
  value: string | number;
  currency: string | null;
  min_subtotal: string | number;
  skus: string;
  departments: string;
  starts_at: Date | null;
  ends_at: Date | null;
  max_redemptions: number | null;
  max_per_customer: number | null;
  active: number;
  used: number;
  created_at: Date;
}

export function toPromotion(r: PromotionRow): Promotion {
  return {
    id: r.id,
    code: r.code,
    kind: r.kind,
    value: Number(r.value),
    currency: r.currency,
    minSubtotal: Number(r.min_subtotal),
    skus: JSON.parse(r.skus),
    departments: JSON.parse(r.departments),
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    maxRedemptions: r.max_redemptions === null ? null : Number(r.max_redemptions),
    maxPerCustomer: r.max_per_customer === null ? null : Number(r.max_per_customer),
    active: Number(r.active) === 1,
    used: Number(r.used),
    createdAt: r.created_at,
  };
}

export interface RedemptionRow {
  order_id: string;
  customer_id: string;
  coupon_id: string | null;
  coupon_code: string | null;
  request_hash: string;
  status: Redemption['status'];
  quote: string | null;
  refusal: string | null;
  hold_until: Date | null;
  created_at: Date;
  updated_at: Date;
}

export function toRedemption(r: RedemptionRow): Redemption {
  return {
    orderId: r.order_id,
    customerId: r.customer_id,
    couponId: r.coupon_id,
    couponCode: r.coupon_code,
    requestHash: r.request_hash,
    status: r.status,
    quote: r.quote === null ? null : (JSON.parse(r.quote) as Quote),
    refusal: r.refusal === null ? null : (JSON.parse(r.refusal) as StoredRefusal),
    holdUntil: r.hold_until,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The affected-row count of an UPDATE/INSERT through TypeORM's mysql driver (raw ResultSetHeader). */
export function affected(result: unknown): number {
  const r = result as { affectedRows?: number } | [unknown, number] | undefined;
  if (Array.isArray(r)) return Number(r[1] ?? 0);
  return Number(r?.affectedRows ?? 0);
}
