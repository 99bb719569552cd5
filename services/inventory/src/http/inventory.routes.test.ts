import 'reflect-metadata';
import { createHttpApp } from '@dbcarts/http';
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { KnownSkuStockActor } from '../app/known-sku-stock-actor';
import { KnownSkus } from '../app/known-skus';
import { ManageStockUseCase } from '../app/manage-stock.use-case';
import type { FlashSaleIndexEntry, FlashSaleIndexPort } from '../app/ports/flash-sale-index.port';
import type { ReserveItem, StockActorPort } from '../app/ports/stock-actor.port';
import { ReserveStockUseCase } from '../app/reserve-stock.use-case';
import { SettleReservationUseCase } from '../app/settle-reservation.use-case';
import { StockTurns } from '../app/stock-turns';
import type { FlashSaleSpec } from '../domain/flash-sale';
import { type ReservationRecord, Stock, type StockMeta } from '../domain/stock';
import { inventoryRoutes } from './inventory.routes';

/** The actor port over in-memory state: the real domain and turn logic, without a sidecar. */
class InMemoryStockActor implements StockActorPort {
  private readonly skus = new Map<string, { meta?: StockMeta; records: Map<string, ReservationRecord> }>();
  /** SKUs whose "actor" was reached: a real one would have been activated. */
  readonly reached = new Set<string>();
  private turns(sku: string) {
    this.reached.add(sku);
    const slot = this.skus.get(sku) ?? { records: new Map() };
    this.skus.set(sku, slot);
    return new StockTurns(
      {
        state: {
          load: async () => Stock.restore(sku, slot.meta && structuredClone(slot.meta), slot.records),
          discard: () => undefined,
          save: async (s) => {
            slot.meta = s.toMeta();
          },
        },
        sweeps: { ensureSweepAt: async () => {} },
        events: { availabilityChanged: async () => {} },
      },
      { holdMs: 60_000, now: Date.now },
    );
  }
  snapshot = (sku: string) => this.turns(sku).snapshot();
  reserveBatch = (sku: string, items: ReserveItem[]) => this.turns(sku).reserveBatch(items);
  confirm = (sku: string, id: string) => this.turns(sku).confirm(id);
  release = (sku: string, id: string) => this.turns(sku).release(id);
  setOnHand = (sku: string, n: number) => this.turns(sku).setOnHand(n);
  restock = (sku: string, id: string, q: number) => this.turns(sku).restock(id, q);
  startFlashSale = (sku: string, spec: FlashSaleSpec) => this.turns(sku).startFlashSale(spec);
  flashSale = (sku: string) => this.turns(sku).flashSale();
}

class InMemoryFlashSaleIndex implements FlashSaleIndexPort {
  private entries: FlashSaleIndexEntry[] = [];
  async add(e: FlashSaleIndexEntry, now: number) {
    this.entries = [...this.entries.filter((x) => x.endsAt > now && x.sku !== e.sku), e];
  }
  async list() {
    return this.entries;
  }
}

/** The catalog's answer, as the SKU directory port gives it: these SKUs are products. */
const CATALOG_SKUS = new Set(['SKU-1', 'SKU-2', 'SKU-3']);
const SETTINGS = {
  reserveBatchMax: 64,
  reserveQueuePerSku: 10_000,
  reserveQueueTotal: 100_000,
  reserveTimeoutMs: 10_000,
};

let app: ReturnType<typeof createHttpApp>;
let raw: InMemoryStockActor;
function build(settings = SETTINGS, inner: StockActorPort = new InMemoryStockActor()) {
  // Wired as main.ts wires it: every actor call goes through the SKU check.
  const known = new KnownSkus(
    { exists: async (sku) => CATALOG_SKUS.has(sku) },
    { knownTtlMs: 60_000, unknownTtlMs: 1000, maxKnown: 100, maxUnknown: 100, maxLookups: 100 },
  );
  const actor = new KnownSkuStockActor(inner, known);
  app = createHttpApp({
    service: 'inventory',
    routes: (a) =>
      a.use(
        inventoryRoutes({
          stock: new ManageStockUseCase(actor, new InMemoryFlashSaleIndex()),
          reserve: new ReserveStockUseCase(actor, settings),
          settle: new SettleReservationUseCase(actor),
        }),
      ),
  });
}
beforeEach(() => {
  raw = new InMemoryStockActor();
  build(SETTINGS, raw);
});

describe('inventory routes', () => {
  it('reserves, replays with Idempotent-Replayed, and refuses beyond stock with 409 INVENTORY.INSUFFICIENT', async () => {
    await request(app).put('/stock/SKU-1').send({ onHand: 1 }).expect(200);
    const first = await request(app).post('/reservations').send({ reservationId: 'r1', sku: 'SKU-1', quantity: 1 });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ reservationId: 'r1', sku: 'SKU-1', quantity: 1, status: 'held' });
    expect(Date.parse(first.body.expiresAt)).toBeGreaterThan(Date.now());
    const replay = await request(app).post('/reservations').send({ reservationId: 'r1', sku: 'SKU-1', quantity: 1 });
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const refused = await request(app).post('/reservations').send({ reservationId: 'r2', sku: 'SKU-1', quantity: 1 });
    expect(refused.status).toBe(409);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ code: 'INVENTORY.INSUFFICIENT', status: 409, requested: 1, available: 0 });
  });

  it('rejects unknown fields and bad values with 400 naming each field', async () => {
    const res = await request(app).put('/stock/SKU-1').send({ onHand: -1, extra: true });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('REQUEST.INVALID');
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['', 'onHand']);
  });

  it('answers malformed JSON with 400 and oversize bodies with 413, never 500', async () => {
    const bad = await request(app).post('/reservations').set('content-type', 'application/json').send('{"sku":');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('REQUEST.MALFORMED_JSON');
    const huge = await request(app)
      .post('/reservations')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ pad: 'x'.repeat(1_100_000) }));
    expect(huge.status).toBe(413);
    expect(huge.body.code).toBe('REQUEST.TOO_LARGE');
  });

  it('maps settle errors to 404 and 409 with stable codes', async () => {
    await request(app).put('/stock/SKU-1').send({ onHand: 5 });
    await request(app).post('/reservations').send({ reservationId: 'a', sku: 'SKU-1', quantity: 2 });
    await request(app).post('/reservations/SKU-1/a/confirm').expect(200);
    const settled = await request(app).post('/reservations/SKU-1/a/release');
    expect(settled.status).toBe(409);
    expect(settled.body).toMatchObject({ code: 'INVENTORY.RESERVATION_SETTLED', reservationStatus: 'confirmed' });
    const missing = await request(app).post('/reservations/SKU-1/zzz/confirm');
    expect(missing.status).toBe(404);
    const stock = await request(app).get('/stock/SKU-1');
    expect(stock.body).toEqual({ sku: 'SKU-1', onHand: 3, reserved: 0, available: 3 });
  });
});

describe('batch reservations and flash sales', () => {
  it('answers a batch item by item: partial success is normal', async () => {
    await request(app).put('/stock/SKU-2').send({ onHand: 2 });
    const res = await request(app)
      .post('/reservations/batch')
      .send({ sku: 'SKU-2', items: [1, 2, 3].map((i) => ({ reservationId: `b${i}`, quantity: 1 })) });
    expect(res.status).toBe(200);
    expect(res.body.outcomes.map((o: { ok: boolean }) => o.ok)).toEqual([true, true, false]);
    expect(res.body.outcomes[2]).toMatchObject({ ok: false, problem: { code: 'INVENTORY.INSUFFICIENT', status: 409 } });
  });

  it('opens a flash sale and admits by customer limit', async () => {
    await request(app).put('/stock/SKU-3').send({ onHand: 10 });
    const sale = {
      id: 'fs-1',
      price: { amount: 499, currency: 'USD' },
      startsAt: new Date(Date.now() - 1000).toISOString(),
      endsAt: new Date(Date.now() + 60_000).toISOString(),
      quantity: 5,
      perCustomerLimit: 1,
    };
    expect((await request(app).put('/flash-sales/SKU-3').send(sale)).status).toBe(201);
    expect((await request(app).put('/flash-sales/SKU-3').send(sale)).status).toBe(200);
    const ok = await request(app)
      .post('/reservations')
      .send({ sku: 'SKU-3', reservationId: 'x', quantity: 1, customerId: 'c1' });
    expect(ok.body.unitPrice).toEqual({ amount: 499, currency: 'USD' });
    const over = await request(app)
      .post('/reservations')
      .send({ sku: 'SKU-3', reservationId: 'y', quantity: 1, customerId: 'c1' });
    expect(over.status).toBe(409);
    expect(over.body.code).toBe('FLASH_SALE.LIMIT_EXCEEDED');
    const bad = await request(app)
      .put('/flash-sales/SKU-3')
      .send({ ...sale, endsAt: sale.startsAt });
    expect(bad.status).toBe(400);
    expect((await request(app).get('/flash-sales/SKU-3')).body.sale).toMatchObject({ id: 'fs-1', remaining: 4 });
    const active = await request(app).get('/flash-sales/active');
    expect(active.body).toEqual([expect.objectContaining({ sku: 'SKU-3', id: 'fs-1', remaining: 4 })]);
  });
});

describe('a SKU the catalog does not know', () => {
  const sale = {
    id: 'fs-1',
    price: { amount: 499, currency: 'USD' },
    startsAt: new Date(Date.now() - 1000).toISOString(),
    endsAt: new Date(Date.now() + 60_000).toISOString(),
    quantity: 5,
    perCustomerLimit: 1,
  };

  it('answers 404 INVENTORY.UNKNOWN_SKU on every route, and no actor is reached', async () => {
    const sku = 'ZZ-NOPE-1';
    const calls = [
      request(app).get(`/stock/${sku}`),
      request(app).put(`/stock/${sku}`).send({ onHand: 5 }),
      request(app).post(`/stock/${sku}/restock`).send({ restockId: 'rs', quantity: 5 }),
      request(app).post('/reservations').send({ sku, reservationId: 'r', quantity: 1 }),
      request(app)
        .post('/reservations/batch')
        .send({ sku, items: [{ reservationId: 'r', quantity: 1 }] }),
      request(app).post(`/reservations/${sku}/r/confirm`),
      request(app).post(`/reservations/${sku}/r/release`),
      request(app).put(`/flash-sales/${sku}`).send(sale),
      request(app).get(`/flash-sales/${sku}`),
    ];
    for (const res of await Promise.all(calls)) {
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).toMatchObject({ status: 404, code: 'INVENTORY.UNKNOWN_SKU', sku });
    }
    expect(raw.reached.has(sku)).toBe(false);
    expect((await request(app).get('/stock/SKU-1')).status).toBe(200);
    expect(raw.reached.has('SKU-1')).toBe(true);
  });
});

describe('bounded reservation queue', () => {
  it('answers 503 INVENTORY.BUSY beyond the per-SKU bound instead of queueing without end', async () => {
    let release!: () => void;
    const stalled = new Promise<void>((r) => {
      release = r;
    });
    // An actor whose turns hang until released: reservations pile up in the service's queue.
    const slow = new InMemoryStockActor();
    const inner: StockActorPort = Object.assign(Object.create(slow), {
      reserveBatch: async (sku: string, items: ReserveItem[]) => {
        await stalled;
        return slow.reserveBatch(sku, items);
      },
    });
    build({ ...SETTINGS, reserveBatchMax: 2, reserveQueuePerSku: 4 }, inner);
    await request(app).put('/stock/SKU-1').send({ onHand: 100 }).expect(200);
    const held = Array.from({ length: 4 }, (_, i) =>
      request(app)
        .post('/reservations')
        .send({ sku: 'SKU-1', reservationId: `h${i}`, quantity: 1 })
        .then((r) => r),
    );
    await new Promise((r) => setTimeout(r, 100)); // the four are queued or in flight
    const over = await request(app).post('/reservations').send({ sku: 'SKU-1', reservationId: 'over', quantity: 1 });
    expect(over.status).toBe(503);
    expect(over.body).toMatchObject({ code: 'INVENTORY.BUSY', status: 503 });
    release();
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([201, 201, 201, 201]);
  });
});
