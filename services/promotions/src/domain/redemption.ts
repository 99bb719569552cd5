import type { Quote } from './discount';
import type { StoredRefusal } from './promotion.errors';

/**
 * An order's promotion outcome, one per order id. A granted coupon holds one use of its global cap
 * and of its customer's cap while `reserved` or `committed`; `released` and `expired` gave it back
 * (exactly once: each move is conditional on the status it leaves). `refused` keeps the answer a
 * replay of the same order gets.
 *
 *   reserved ──commit──▶ committed
 *      │  └──hold runs out (sweep)──▶ expired ──commit, if a use is free──▶ committed
 *      └──release──▶ released ◀──release (cancel)── committed
 */
export type RedemptionStatus = 'reserved' | 'committed' | 'released' | 'expired' | 'refused';

export interface Redemption {
  orderId: string;
  customerId: string;
  /** The coupon whose use the order holds (null: automatic discounts only, or refused). */
  couponId: string | null;
  couponCode: string | null;
  /** Of the reserve request: the same order with other values is refused. Empty on a release tombstone. */
  requestHash: string;
  status: RedemptionStatus;
  quote: Quote | null;
  refusal: StoredRefusal | null;
  holdUntil: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Whether the redemption holds one use of its coupon's caps. */
export function holdsUse(r: Pick<Redemption, 'couponId' | 'status'>): boolean {
  return r.couponId !== null && (r.status === 'reserved' || r.status === 'committed');
}
