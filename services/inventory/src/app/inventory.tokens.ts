export const INVENTORY = {
  Settings: Symbol('InventorySettings'),
  StockActor: Symbol('StockActor'),
  FlashSaleIndex: Symbol('FlashSaleIndex'),
} as const;

export interface InventorySettings {
  /** Most reservations folded into one actor turn. */
  reserveBatchMax: number;
  /** How long an unconfirmed reservation holds stock. */
  holdMs: number;
}
