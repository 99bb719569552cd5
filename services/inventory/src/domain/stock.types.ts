export interface Money {
  amount: number;
  currency: string;
}

export type ReservationStatus = 'held' | 'confirmed' | 'released' | 'expired';

export interface ReservationRecord {
  quantity: number;
  status: ReservationStatus;
  customerId?: string;
  /** Epoch ms at which a held reservation lapses and its units come back. */
  expiresAt?: number;
  /** Set when the flash sale admitted it: its price applies and it counts toward the limits. */
  flashSaleId?: string;
  unitPrice?: Money;
  /** Epoch ms it stopped being held; settled records are kept a while so replays still answer. */
  settledAt?: number;
}

export interface FlashSaleSpec {
  id: string;
  price: Money;
  startsAt: number;
  endsAt: number;
  /** Units offered at the flash price. */
  quantity: number;
  perCustomerLimit: number;
}

export interface FlashSaleState extends FlashSaleSpec {
  /** Units held or confirmed at the flash price. */
  sold: number;
  perCustomer: Record<string, number>;
  /**
   * perCustomer is not stored: it is counted from the sale's reservation records when the state is
   * loaded (heldByCustomer), which a drop's every turn would otherwise rewrite whole (one entry per
   * buyer). Set on sales opened since; a sale stored before keeps storing its counts.
   */
  countsFromRecords?: true;
}

/** The SKU-wide numbers, persisted apart from the (many) reservation records. */
export interface StockMeta {
  onHand: number;
  reserved: number;
  /** Ids of applied restocks, so a retried restock counts once (bounded). */
  restocks: string[];
  flashSale?: FlashSaleState;
  /** Earliest expiresAt among held reservations, so a turn knows in O(1) whether to sweep. */
  nextExpiry?: number;
  /** Bumped by every saved change: orders availability events, so read models apply only newer ones. */
  version?: number;
}

export interface ReserveCommand {
  reservationId: string;
  quantity: number;
  customerId?: string;
  /** A claim in a drop: only at the flash price of a running sale, never at the regular price. */
  flashOnly?: boolean;
  /** On a held reservation: hold it a full hold time from now (a claim waiting in the checkout queue). */
  renew?: boolean;
}

export interface StockSnapshot {
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
}

export interface ReservationView extends Omit<ReservationRecord, 'settledAt'> {
  sku: string;
  reservationId: string;
}

export interface FlashSaleView {
  id: string;
  sku: string;
  price: Money;
  startsAt: number;
  endsAt: number;
  quantity: number;
  remaining: number;
  perCustomerLimit: number;
}

export interface OutcomeError {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

/** One caller's answer; errors are data here because one turn answers many callers at once. */
export type Outcome<T> = { ok: true; value: T; replayed: boolean } | { ok: false; error: OutcomeError };
