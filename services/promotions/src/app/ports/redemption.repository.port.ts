import type { Quote } from '../../domain/discount';
import type { StoredRefusal } from '../../domain/promotion.errors';
import type { Redemption } from '../../domain/redemption';

export interface HeldCoupon {
  id: string;
  code: string;
  maxPerCustomer: number | null;
}

export type ReserveOutcome =
  | {
      kind: 'granted';
      quote: Quote;
      /** The coupon whose use the order takes; null: automatic discounts only (nothing capped). */
      coupon: HeldCoupon | null;
      holdUntil: Date;
    }
  | { kind: 'refused'; refusal: StoredRefusal };

export interface NewRedemption {
  orderId: string;
  customerId: string;
  couponCode: string | null;
  requestHash: string;
  outcome: ReserveOutcome;
}

/**
 * Redemptions, one per order id; every decision here is a conditional statement whose affected-row
 * count is the answer, in one transaction with the redemption row.
 */
export interface RedemptionRepositoryPort {
  find(orderId: string): Promise<Redemption | null>;
  /**
   * Stores the order's outcome. A granted coupon takes one use of the customer's cap and one of the
   * global cap in the same transaction as the row; when either is full the row stores that refusal
   * instead and takes nothing. An order that has a redemption already gets it back (created: false).
   */
  reserve(r: NewRedemption, now: Date): Promise<{ redemption: Redemption; created: boolean }>;
  /**
   * reserved → committed; committed stays. An expired hold is taken again if its caps have room
   * (otherwise it stays expired). null when the order has no redemption.
   */
  commit(orderId: string, now: Date): Promise<Redemption | null>;
  /**
   * reserved or committed → released, giving the use back once. An order with no redemption gets a
   * released tombstone (a reserve arriving after its release holds nothing) and null.
   */
  release(orderId: string, now: Date): Promise<Redemption | null>;
  /** reserved with holdUntil < now → expired, giving the use back once; false when it moved meanwhile. */
  expire(orderId: string, now: Date): Promise<boolean>;
  /** Orders whose hold ran out before `now`, oldest first. */
  expiredHolds(now: Date, limit: number): Promise<string[]>;
}
