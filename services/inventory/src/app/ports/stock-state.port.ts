import type { Stock } from '../../domain/stock';

/** The state of one SKU inside its actor turn. */
export interface StockStatePort {
  load(): Promise<Stock>;
  /** Writes what the turn changed, atomically (one transaction). */
  save(stock: Stock): Promise<void>;
  /** The turn failed part-way: forget what it loaded (and may have changed), the next turn reads the store. */
  discard(): void;
}

/** Wakes the SKU's actor at a time even if nobody calls it (held reservations must expire). */
export interface SweepSchedulerPort {
  ensureSweepAt(at: number): Promise<void>;
}

export interface AvailabilityChange {
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
  /** Monotonic per SKU: a consumer keeps the highest it has seen and ignores older ones. */
  version: number;
}

export interface StockEventsPort {
  availabilityChanged(change: AvailabilityChange, depleted: boolean): Promise<void>;
}
