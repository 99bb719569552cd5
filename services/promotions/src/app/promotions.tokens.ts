export const PROMOTIONS = {
  Settings: Symbol('PromotionsSettings'),
  Promotions: Symbol('PromotionRepository'),
  Redemptions: Symbol('RedemptionRepository'),
  /** The cached definitions (PromotionCatalog) every instance prices with. */
  Catalog: Symbol('PromotionCatalog'),
} as const;

export interface PromotionsSettings {
  /** How long a reserved use waits for its order's commit before the sweep gives it back. */
  holdMs: number;
  /**
   * Reserves running at once; the rest wait here in arrival order (bounded by the request deadline).
   * Below the pool size: mysql2's own queue refuses beyond 50 waiters, which turned a coupon rush of
   * 1,000 checkouts into 503s instead of answers.
   */
  reserveConcurrency: number;
  now: () => Date;
}
