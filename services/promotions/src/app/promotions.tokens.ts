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
  now: () => Date;
}
