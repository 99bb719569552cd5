import type { Promotion } from '../../domain/promotion';

export interface PromotionRepositoryPort {
  /** Stores a new promotion; PromotionCodeTakenError when its code (case-insensitively) exists. */
  create(p: Promotion): Promise<void>;
  /** By upper-case code, whatever its state. */
  byCode(code: string): Promise<Promotion | null>;
  /** Automatic discounts (no code) switched on whose window overlaps [from, to]. */
  runningAutomatic(from: Date, to: Date): Promise<Promotion[]>;
  /** The admin's switch; null when no promotion has that id. */
  setActive(id: string, active: boolean): Promise<Promotion | null>;
  /** Uses of a coupon the customer holds now (reserved + committed). */
  customerUses(promotionId: string, customerId: string): Promise<number>;
}
