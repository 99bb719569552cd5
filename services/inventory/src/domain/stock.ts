import { DomainError } from '@dbcarts/errors';
import { admit, type FlashSaleSpec, giveBack, invalidSale, isRunning, openSale, saleView } from './flash-sale';
import {
  FlashSaleNotActiveError,
  FlashSaleSoldOutError,
  InsufficientStockError,
  InvalidIdError,
  InvalidQuantityError,
  ReservationMismatchError,
  ReservationNotFoundError,
  ReservationSettledError,
  StockBelowReservedError,
} from './stock.errors';
import { isId, isIntIn, isQuantity, isSku, MAX_ON_HAND, MAX_QUANTITY } from './stock.rules';
import type {
  FlashSaleView,
  Outcome,
  ReservationRecord,
  ReservationView,
  ReserveCommand,
  StockMeta,
  StockSnapshot,
} from './stock.types';

export * from './stock.types';

const RESTOCK_MEMORY = 1000;
/** Settled reservations answer replays this long, then are dropped. */
export const SETTLED_RETENTION_MS = 24 * 60 * 60 * 1000;

/**
 * Stock of one SKU. Invariants: 0 <= reserved <= onHand (available never below 0); a reservation id
 * is applied once and a replay answers it; a hold ends once, as confirmed, released or expired, and
 * an expired or released hold gives its units back exactly once. Pure: the SKU's actor serializes
 * every call, and `touched` tells the persistence adapter which records to write.
 */
export class Stock {
  /** Reservation ids created, changed or dropped during this turn. */
  readonly touched = new Set<string>();
  private metaChanged = false;
  private readonly availableAtStart: number;

  private constructor(
    readonly sku: string,
    private readonly meta: StockMeta,
    private readonly reservations: Map<string, ReservationRecord>,
  ) {
    this.availableAtStart = meta.onHand - meta.reserved;
  }

  static empty(sku: string): Stock {
    return new Stock(sku, { onHand: 0, reserved: 0, restocks: [] }, new Map());
  }

  /**
   * Works on `meta` and `reservations` in place, as the actor's cache holds them: copying the meta
   * every turn (a drop's per-customer counts grow to one entry per buyer) was most of a turn's
   * CPU. A turn that is not saved must be discarded by its caller (StockStatePort.discard).
   */
  static restore(sku: string, meta: StockMeta | undefined, reservations: Map<string, ReservationRecord>): Stock {
    return meta ? new Stock(sku, meta, reservations) : Stock.empty(sku);
  }

  get changed(): boolean {
    return this.metaChanged || this.touched.size > 0;
  }

  /** Available units changed in this turn: the trigger for inventory.availability-changed. */
  get availabilityChanged(): boolean {
    return this.availableAtStart !== this.meta.onHand - this.meta.reserved;
  }

  /** Marks the change as one more version; called once per saved turn. */
  nextVersion(): number {
    this.meta.version = (this.meta.version ?? 0) + 1;
    return this.meta.version;
  }

  /** True once per transition from some available to none: the trigger for inventory.depleted. */
  get becameDepleted(): boolean {
    return this.availableAtStart > 0 && this.meta.onHand - this.meta.reserved === 0;
  }

  toMeta(): StockMeta {
    return this.meta;
  }

  record(id: string): ReservationRecord | undefined {
    return this.reservations.get(id);
  }

  snapshot(): StockSnapshot {
    const { onHand, reserved } = this.meta;
    return { sku: this.sku, onHand, reserved, available: onHand - reserved };
  }

  flashSale(now: number): FlashSaleView | undefined {
    const s = this.meta.flashSale;
    return s && s.endsAt > now ? saleView(this.sku, s) : undefined;
  }

  reserve(cmd: ReserveCommand, now: number, holdMs: number): Outcome<ReservationView> {
    const invalid = this.invalidReserve(cmd);
    if (invalid) return fail(invalid);
    const existing = this.reservations.get(cmd.reservationId);
    if (existing) {
      if (existing.quantity !== cmd.quantity || existing.customerId !== cmd.customerId) {
        return fail(new ReservationMismatchError(this.sku, cmd.reservationId, existing.quantity));
      }
      // A replay answers what the reservation is, and a released or lapsed one holds nothing: an
      // order taking over a claim that expired must be refused, not told it holds the units.
      if (existing.status === 'released' || existing.status === 'expired') {
        return fail(new ReservationSettledError(this.sku, cmd.reservationId, existing.status));
      }
      if (cmd.renew && existing.status === 'held' && (existing.expiresAt ?? 0) < now + holdMs) {
        // Later only: the sweep already scheduled for the old time finds nothing due and moves on.
        const renewed: ReservationRecord = { ...existing, expiresAt: now + holdMs };
        this.reservations.set(cmd.reservationId, renewed);
        this.touched.add(cmd.reservationId);
        return { ok: true, value: this.view(cmd.reservationId, renewed), replayed: true };
      }
      return { ok: true, value: this.view(cmd.reservationId, existing), replayed: true };
    }
    const sale = this.meta.flashSale;
    if (cmd.flashOnly && !isRunning(sale, now)) return fail(new FlashSaleNotActiveError(this.sku));
    const available = this.meta.onHand - this.meta.reserved;
    // A refusal is not recorded: it changed nothing, and a retry after a restock may succeed.
    if (cmd.quantity > available) {
      // A drop with fewer units on hand than it offers is sold out when the shelf is, in its own words.
      if (cmd.flashOnly) return fail(new FlashSaleSoldOutError(this.sku, available));
      return fail(new InsufficientStockError(this.sku, cmd.quantity, available));
    }
    const record: ReservationRecord = { quantity: cmd.quantity, status: 'held', expiresAt: now + holdMs };
    if (cmd.customerId) record.customerId = cmd.customerId;
    if (isRunning(sale, now)) {
      try {
        admit(sale, this.sku, cmd.customerId, cmd.quantity);
      } catch (e) {
        if (e instanceof DomainError) return fail(e);
        throw e;
      }
      record.flashSaleId = sale.id;
      record.unitPrice = sale.price;
    }
    this.reservations.set(cmd.reservationId, record);
    this.touched.add(cmd.reservationId);
    this.meta.reserved += cmd.quantity;
    this.meta.nextExpiry = Math.min(this.meta.nextExpiry ?? Number.POSITIVE_INFINITY, record.expiresAt as number);
    this.metaChanged = true;
    return { ok: true, value: this.view(cmd.reservationId, record), replayed: false };
  }

  /** The held units leave with the order: onHand and reserved both drop. */
  confirm(id: string, now: number): Outcome<ReservationView> {
    const invalid = this.invalidSku() ?? (isId(id) ? undefined : new InvalidIdError(this.sku, 'reservationId', id));
    if (invalid) return fail(invalid);
    return this.settle(id, 'confirmed', now, (r) => {
      this.meta.onHand -= r.quantity;
      this.meta.reserved -= r.quantity;
    });
  }

  /** The held units go back to available (and to the flash sale, if it admitted them). */
  release(id: string, now: number): Outcome<ReservationView> {
    const invalid = this.invalidSku() ?? (isId(id) ? undefined : new InvalidIdError(this.sku, 'reservationId', id));
    if (invalid) return fail(invalid);
    return this.settle(id, 'released', now, (r) => this.giveBack(r));
  }

  /** Lapses every hold whose time is up; each gives its units back once. Cheap when nothing is due. */
  expireDue(now: number): number {
    if (this.meta.nextExpiry === undefined || this.meta.nextExpiry > now) return 0;
    let expired = 0;
    let next = Number.POSITIVE_INFINITY;
    for (const [id, r] of this.reservations) {
      if (r.status === 'held') {
        if ((r.expiresAt ?? 0) <= now) {
          this.giveBack(r);
          this.reservations.set(id, { ...r, status: 'expired', settledAt: now, expiresAt: undefined });
          this.touched.add(id);
          expired++;
        } else next = Math.min(next, r.expiresAt ?? next);
      } else if ((r.settledAt ?? now) + SETTLED_RETENTION_MS <= now && !this.countsForRunningSale(r, now)) {
        this.reservations.delete(id);
        this.touched.add(id);
      }
    }
    this.meta.nextExpiry = Number.isFinite(next) ? next : undefined;
    this.metaChanged = true;
    return expired;
  }

  setOnHand(onHand: number): Outcome<StockSnapshot> {
    const invalid =
      this.invalidSku() ??
      (isIntIn(onHand, 0, MAX_ON_HAND)
        ? undefined
        : new InvalidQuantityError(this.sku, 'onHand', onHand, `from 0 to ${MAX_ON_HAND}`));
    if (invalid) return fail(invalid);
    if (onHand < this.meta.reserved) return fail(new StockBelowReservedError(this.sku, onHand, this.meta.reserved));
    this.meta.onHand = onHand;
    this.metaChanged = true;
    return { ok: true, value: this.snapshot(), replayed: false };
  }

  restock(restockId: string, quantity: number): Outcome<StockSnapshot> {
    const invalid =
      this.invalidSku() ??
      (isId(restockId) ? undefined : new InvalidIdError(this.sku, 'restockId', restockId)) ??
      (isQuantity(quantity) ? undefined : new InvalidQuantityError(this.sku, 'quantity', quantity, QUANTITY_BOUNDS));
    if (invalid) return fail(invalid);
    if (this.meta.restocks.includes(restockId)) return { ok: true, value: this.snapshot(), replayed: true };
    this.meta.onHand += quantity;
    this.meta.restocks.push(restockId);
    if (this.meta.restocks.length > RESTOCK_MEMORY) this.meta.restocks.shift();
    this.metaChanged = true;
    return { ok: true, value: this.snapshot(), replayed: false };
  }

  startFlashSale(spec: FlashSaleSpec, now: number): Outcome<FlashSaleView> {
    const invalid = this.invalidSku() ?? invalidSale(this.sku, spec);
    if (invalid) return fail(invalid);
    if (this.meta.flashSale?.id === spec.id) {
      return { ok: true, value: saleView(this.sku, this.meta.flashSale), replayed: true };
    }
    try {
      this.meta.flashSale = openSale(this.meta.flashSale, this.sku, spec, now);
    } catch (e) {
      if (e instanceof DomainError) return fail(e);
      throw e;
    }
    this.metaChanged = true;
    return { ok: true, value: saleView(this.sku, this.meta.flashSale), replayed: false };
  }

  /** The actor id is the SKU: a raw actor call can name any id, and no state is ever made for a malformed one. */
  private invalidSku(): DomainError | undefined {
    return isSku(this.sku) ? undefined : new InvalidIdError(this.sku, 'sku', this.sku);
  }

  private invalidReserve(cmd: ReserveCommand): DomainError | undefined {
    if (typeof cmd !== 'object' || cmd === null) return new InvalidIdError(this.sku, 'reservationId', cmd);
    if (!isId(cmd.reservationId)) return new InvalidIdError(this.sku, 'reservationId', cmd.reservationId);
    if (cmd.customerId !== undefined && !isId(cmd.customerId)) {
      return new InvalidIdError(this.sku, 'customerId', cmd.customerId);
    }
    // A negative quantity would lower `reserved` (an oversell), a string would be concatenated into it.
    if (!isQuantity(cmd.quantity)) return new InvalidQuantityError(this.sku, 'quantity', cmd.quantity, QUANTITY_BOUNDS);
    return this.invalidSku();
  }

  /** A running sale's per-customer counts are its records' (heldByCustomer): its orders stay while it runs. */
  private countsForRunningSale(r: ReservationRecord, now: number): boolean {
    const sale = this.meta.flashSale;
    return r.status === 'confirmed' && !!sale && r.flashSaleId === sale.id && sale.endsAt > now;
  }

  private giveBack(r: ReservationRecord): void {
    this.meta.reserved -= r.quantity;
    giveBack(this.meta.flashSale, r);
  }

  private settle(
    id: string,
    to: 'confirmed' | 'released',
    now: number,
    apply: (r: ReservationRecord) => void,
  ): Outcome<ReservationView> {
    const record = this.reservations.get(id);
    if (!record) return fail(new ReservationNotFoundError(this.sku, id));
    if (record.status === to) return { ok: true, value: this.view(id, record), replayed: true };
    if (record.status !== 'held') return fail(new ReservationSettledError(this.sku, id, record.status));
    apply(record);
    const settled: ReservationRecord = { ...record, status: to, settledAt: now, expiresAt: undefined };
    this.reservations.set(id, settled);
    this.touched.add(id);
    this.metaChanged = true;
    return { ok: true, value: this.view(id, settled), replayed: false };
  }

  private view(reservationId: string, r: ReservationRecord): ReservationView {
    const v: ReservationView = { sku: this.sku, reservationId, quantity: r.quantity, status: r.status };
    if (r.customerId) v.customerId = r.customerId;
    if (r.expiresAt !== undefined) v.expiresAt = r.expiresAt;
    if (r.flashSaleId) v.flashSaleId = r.flashSaleId;
    if (r.unitPrice) v.unitPrice = r.unitPrice;
    return v;
  }
}

const QUANTITY_BOUNDS = `from 1 to ${MAX_QUANTITY}`;

function fail(e: DomainError): {
  ok: false;
  error: { code: string; message: string; details: Record<string, unknown> };
} {
  return { ok: false, error: { code: e.code, message: e.message, details: e.details } };
}
