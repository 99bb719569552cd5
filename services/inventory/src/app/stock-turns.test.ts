import { describe, expect, it } from 'vitest';
import { type ReservationRecord, Stock, type StockMeta } from '../domain/stock';
import type { StockStatePort } from './ports/stock-state.port';
import { StockTurns } from './stock-turns';

/**
 * A state port that keeps what it loaded and hands it to each turn in place, as the actor's state
 * adapter does (no copy per turn), over a "store" that only a save changes.
 */
class InPlaceState implements StockStatePort {
  stored?: string;
  private cache?: { meta?: StockMeta; records: Map<string, ReservationRecord> };

  async load(): Promise<Stock> {
    if (!this.cache) {
      const s = this.stored ? JSON.parse(this.stored) : { records: [] };
      this.cache = { meta: s.meta, records: new Map(s.records) };
    }
    return Stock.restore('SKU-1', this.cache.meta, this.cache.records);
  }

  async save(stock: Stock): Promise<void> {
    if (!this.cache) throw new Error('save before load');
    this.cache.meta = stock.toMeta();
    this.stored = JSON.stringify({ meta: this.cache.meta, records: [...this.cache.records] });
  }

  discard(): void {
    this.cache = undefined;
  }
}

const turnsOver = (state: StockStatePort) =>
  new StockTurns(
    { state, sweeps: { ensureSweepAt: async () => {} }, events: { availabilityChanged: async () => {} } },
    { holdMs: 60_000, now: () => 1_000_000 },
  );

describe('StockTurns', () => {
  it('leaves nothing of a turn that failed part-way for the next turn to build on', async () => {
    const state = new InPlaceState();
    const turns = turnsOver(state);
    expect((await turns.setOnHand(10)).ok).toBe(true);
    // The first item is reserved (in place), then the turn throws before anything is saved.
    const breaks = new Proxy(
      { reservationId: 'r-2', quantity: 1 },
      {
        get(target, prop) {
          if (prop === 'customerId') throw new Error('boom');
          return Reflect.get(target, prop);
        },
      },
    );
    await expect(turns.reserveBatch([{ reservationId: 'r-1', quantity: 3 }, breaks])).rejects.toThrow('boom');
    // Stored: 10 on hand, none reserved; the half-made turn's 3 units must not be held.
    expect(await turns.snapshot()).toEqual({ sku: 'SKU-1', onHand: 10, reserved: 0, available: 10 });
    const again = await turns.reserveBatch([{ reservationId: 'r-1', quantity: 3 }]);
    expect(again[0]).toMatchObject({ ok: true, replayed: false });
  });

  it('keeps a saved turn for the next one without reading the store again', async () => {
    const state = new InPlaceState();
    const turns = turnsOver(state);
    await turns.setOnHand(5);
    const [held] = await turns.reserveBatch([{ reservationId: 'r-1', quantity: 2 }]);
    expect(held?.ok).toBe(true);
    state.stored = undefined; // the cache serves the next turn
    expect(await turns.snapshot()).toEqual({ sku: 'SKU-1', onHand: 5, reserved: 2, available: 3 });
  });
});
