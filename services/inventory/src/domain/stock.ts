import {
  InsufficientStockError,
  ReservationMismatchError,
  ReservationNotFoundError,
  ReservationSettledError,
  StockBelowReservedError,
} from './stock.errors';

export type ReservationStatus = 'held' | 'confirmed' | 'released';

export interface ReservationRecord {
  quantity: number;
  status: ReservationStatus;
}

/** What the actor persists: one document per SKU, so one save per turn. */
export interface StockState {
  onHand: number;
  reserved: number;
  reservations: Record<string, ReservationRecord>;
  /** Ids of applied restocks, so a retried restock is not counted twice (bounded). */
  restocks: string[];
}

export interface StockSnapshot {
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
}

export interface ReservationView {
  sku: string;
  reservationId: string;
  quantity: number;
  status: ReservationStatus;
}

/** One caller's answer; errors are data here because a batch answers many callers at once. */
export type Outcome<T> = { ok: true; value: T; replayed: boolean } | { ok: false; error: OutcomeError };

export interface OutcomeError {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

const RESTOCK_MEMORY = 1000;

/**
 * Stock of one SKU. Invariants: 0 <= reserved <= onHand (so available never goes below 0);
 * a reservation id is applied once and a replay answers its first outcome; held → confirmed or
 * held → released, never both. Pure: the actor turn that owns this SKU serializes all calls.
 */
export class Stock {
  private constructor(
    readonly sku: string,
    private readonly state: StockState,
  ) {}

  static empty(sku: string): Stock {
    return new Stock(sku, { onHand: 0, reserved: 0, reservations: {}, restocks: [] });
  }

  static restore(sku: string, state: StockState | null | undefined): Stock {
    if (!state) return Stock.empty(sku);
    return new Stock(sku, { ...state, reservations: { ...state.reservations }, restocks: [...(state.restocks ?? [])] });
  }

  toState(): StockState {
    return this.state;
  }

  snapshot(): StockSnapshot {
    const { onHand, reserved } = this.state;
    return { sku: this.sku, onHand, reserved, available: onHand - reserved };
  }

  reserve(reservationId: string, quantity: number): Outcome<ReservationView> {
    const existing = this.state.reservations[reservationId];
    if (existing) {
      if (existing.quantity !== quantity) {
        return fail(new ReservationMismatchError(this.sku, reservationId, existing.quantity));
      }
      return { ok: true, value: this.view(reservationId, existing), replayed: true };
    }
    const available = this.state.onHand - this.state.reserved;
    // A refusal is not recorded: it changed nothing, and a retry after a restock may succeed.
    if (quantity > available) return fail(new InsufficientStockError(this.sku, quantity, available));
    const record: ReservationRecord = { quantity, status: 'held' };
    this.state.reservations[reservationId] = record;
    this.state.reserved += quantity;
    return { ok: true, value: this.view(reservationId, record), replayed: false };
  }

  /** The held units leave the warehouse: onHand and reserved both drop. */
  confirm(reservationId: string): Outcome<ReservationView> {
    return this.settle(reservationId, 'confirmed', (q) => {
      this.state.onHand -= q;
      this.state.reserved -= q;
    });
  }

  /** The held units go back to available. */
  release(reservationId: string): Outcome<ReservationView> {
    return this.settle(reservationId, 'released', (q) => {
      this.state.reserved -= q;
    });
  }

  setOnHand(onHand: number): Outcome<StockSnapshot> {
    if (onHand < this.state.reserved) return fail(new StockBelowReservedError(this.sku, onHand, this.state.reserved));
    this.state.onHand = onHand;
    return { ok: true, value: this.snapshot(), replayed: false };
  }

  restock(restockId: string, quantity: number): Outcome<StockSnapshot> {
    if (this.state.restocks.includes(restockId)) return { ok: true, value: this.snapshot(), replayed: true };
    this.state.onHand += quantity;
    this.state.restocks.push(restockId);
    if (this.state.restocks.length > RESTOCK_MEMORY) this.state.restocks.shift();
    return { ok: true, value: this.snapshot(), replayed: false };
  }

  private settle(
    id: string,
    to: 'confirmed' | 'released',
    apply: (quantity: number) => void,
  ): Outcome<ReservationView> {
    const record = this.state.reservations[id];
    if (!record) return fail(new ReservationNotFoundError(this.sku, id));
    if (record.status === to) return { ok: true, value: this.view(id, record), replayed: true };
    if (record.status !== 'held') return fail(new ReservationSettledError(this.sku, id, record.status));
    apply(record.quantity);
    const settled: ReservationRecord = { quantity: record.quantity, status: to };
    this.state.reservations[id] = settled;
    return { ok: true, value: this.view(id, settled), replayed: false };
  }

  private view(reservationId: string, r: ReservationRecord): ReservationView {
    return { sku: this.sku, reservationId, quantity: r.quantity, status: r.status };
  }
}

function fail(e: { code: string; message: string; details: Record<string, unknown> }): {
  ok: false;
  error: OutcomeError;
} {
  return { ok: false, error: { code: e.code, message: e.message, details: e.details } };
}

const ERRORS: Record<string, (d: Record<string, unknown>) => Error> = {
  'INVENTORY.INSUFFICIENT': (d) => new InsufficientStockError(String(d.sku), Number(d.requested), Number(d.available)),
  'INVENTORY.RESERVATION_NOT_FOUND': (d) => new ReservationNotFoundError(String(d.sku), String(d.reservationId)),
  'INVENTORY.RESERVATION_SETTLED': (d) =>
    new ReservationSettledError(String(d.sku), String(d.reservationId), String(d.reservationStatus)),
  'INVENTORY.RESERVATION_MISMATCH': (d) =>
    new ReservationMismatchError(String(d.sku), String(d.reservationId), Number(d.quantity)),
  'INVENTORY.BELOW_RESERVED': (d) => new StockBelowReservedError(String(d.sku), Number(d.onHand), Number(d.reserved)),
};

/** Turns an outcome that crossed the actor boundary back into its domain error. */
export function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  const make = ERRORS[outcome.error.code];
  if (make) throw make(outcome.error.details);
  throw new Error(`unknown inventory outcome ${outcome.error.code}: ${outcome.error.message}`);
}
