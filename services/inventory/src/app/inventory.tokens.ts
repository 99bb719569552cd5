export const INVENTORY = {
  Settings: Symbol('InventorySettings'),
  StockActor: Symbol('StockActor'),
  FlashSaleIndex: Symbol('FlashSaleIndex'),
} as const;

export interface InventorySettings {
  /** Most reservations folded into one actor turn. */
  reserveBatchMax: number;
  /** Reservations waiting or in flight for one SKU on this instance; beyond: INVENTORY.BUSY (503). */
  reserveQueuePerSku: number;
  /** The same over every SKU. */
  reserveQueueTotal: number;
  /** An actor turn without an answer by then fails its reservations as unavailable (retry with the same ids). */
  reserveTimeoutMs: number;
}
