import 'reflect-metadata';
import { createHttpApp } from '@dbcarts/http';
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { ManagePromotionsUseCase } from '../app/manage-promotions.use-case';
import type { PromotionRepositoryPort } from '../app/ports/promotion.repository.port';
import type { NewRedemption, RedemptionRepositoryPort } from '../app/ports/redemption.repository.port';
import { Pricing } from '../app/pricing';
import { PromotionCatalog } from '../app/promotion-catalog';
import type { PromotionsSettings } from '../app/promotions.tokens';
import { QuoteUseCase } from '../app/quote.use-case';
import { ReserveRedemptionUseCase } from '../app/reserve-redemption.use-case';
import { SettleRedemptionUseCase } from '../app/settle-redemption.use-case';
import type { Promotion } from '../domain/promotion';
import { PromotionCodeTakenError, type StoredRefusal } from '../domain/promotion.errors';
import type { Redemption } from '../domain/redemption';
import { promotionsRoutes } from './promotions.routes';
import { redemptionsRoutes } from './redemptions.routes';

// The routes, the use cases and the pricing rules in-process over in-memory ports: what each answer
// looks like on the wire (status, problem code, replay header). The caps' concurrency is the
// database's and is tested on it (test/*.int.test.ts).

class MemoryPromotions implements PromotionRepositoryPort {
  readonly all = new Map<string, Promotion>();
  async create(p: Promotion) {
    if ([...this.all.values()].some((q) => q.code && q.code === p.code))
      throw new PromotionCodeTakenError(p.code ?? '');
    this.all.set(p.id, { ...p });
  }
  byCode = async (code: string) => [...this.all.values()].find((p) => p.code === code) ?? null;
  runningAutomatic = async () => [...this.all.values()].filter((p) => p.code === null);
  async setActive(id: string, active: boolean) {
    const p = this.all.get(id);
    if (p) p.active = active;
    return p ?? null;
  }
  customerUses = async () => 0;
}

class MemoryRedemptions implements RedemptionRepositoryPort {
  readonly rows = new Map<string, Redemption>();
  constructor(private readonly promotions: MemoryPromotions) {}
  find = async (orderId: string) => this.rows.get(orderId) ?? null;
  async reserve(r: NewRedemption, now: Date) {
    const earlier = this.rows.get(r.orderId);
    if (earlier) return { redemption: earlier, created: false };
    const o = r.outcome;
    let refusal: StoredRefusal | null = o.kind === 'refused' ? o.refusal : null;
    const coupon = o.kind === 'granted' && o.coupon ? this.promotions.all.get(o.coupon.id) : undefined;
    if (coupon && !refusal) {
      if (coupon.maxRedemptions !== null && coupon.used >= coupon.maxRedemptions) {
        refusal = { code: 'PROMOTION.EXHAUSTED', couponCode: coupon.code ?? '' };
      } else coupon.used++;
    }
    const redemption: Redemption = {
      orderId: r.orderId,
      customerId: r.customerId,
      couponId: refusal ? null : (coupon?.id ?? null),
      couponCode: r.couponCode,
      requestHash: r.requestHash,
      status: refusal ? 'refused' : 'reserved',
      quote: !refusal && o.kind === 'granted' ? o.quote : null,
      refusal,
      holdUntil: o.kind === 'granted' ? o.holdUntil : null,
      createdAt: now,
      updatedAt: now,
    };
    this.rows.set(r.orderId, redemption);
    return { redemption, created: true };
  }
  async commit(orderId: string) {
    const r = this.rows.get(orderId);
    if (r?.status === 'reserved') r.status = 'committed';
    return r ?? null;
  }
  async release(orderId: string) {
    const r = this.rows.get(orderId);
    if (r && (r.status === 'reserved' || r.status === 'committed')) {
      r.status = 'released';
      const p = r.couponId ? this.promotions.all.get(r.couponId) : undefined;
      if (p) p.used--;
    }
    return r ?? null;
  }
  expire = async () => false;
  expiredHolds = async () => [];
}

let app: ReturnType<typeof createHttpApp>;
let promotions: MemoryPromotions;

beforeEach(() => {
  promotions = new MemoryPromotions();
  const redemptions = new MemoryRedemptions(promotions);
  const settings: PromotionsSettings = { holdMs: 60_000, now: () => new Date() };
  const catalog = new PromotionCatalog(promotions, 0);
  const pricing = new Pricing(catalog);
  app = createHttpApp({
    service: 'promotions',
    routes: (a) => {
      a.use(promotionsRoutes(new ManagePromotionsUseCase(settings, promotions, catalog)));
      a.use(
        redemptionsRoutes({
          quote: new QuoteUseCase(settings, promotions, pricing),
          reserve: new ReserveRedemptionUseCase(settings, redemptions, pricing),
          settle: new SettleRedemptionUseCase(settings, redemptions),
        }),
      );
    },
  });
});

const lines = [{ sku: 'TEE-001', department: 'fashion', quantity: 2, unitPrice: 2_000 }];
const reserve = (orderId: string, couponCode?: string) =>
  request(app).post('/redemptions').send({ orderId, customerId: 'c1', couponCode, currency: 'EUR', lines });

describe('promotions routes', () => {
  it('create → 201 with the admin view; the same code in another case → 409 PROMOTION.CODE_TAKEN', async () => {
    const created = await request(app).post('/promotions').send({ code: 'Save10', kind: 'percent', value: 10 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ code: 'SAVE10', automatic: false, used: 0, maxRedemptions: null });
    const again = await request(app)
      .post('/promotions')
      .send({ code: 'save10', kind: 'fixed', value: 1, currency: 'EUR' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'PROMOTION.CODE_TAKEN' });
    expect(again.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('reserve → 201, the replay → 200 Idempotent-Replayed with the same body; commit → committed', async () => {
    await request(app).post('/promotions').send({ code: 'SAVE10', kind: 'percent', value: 10, maxRedemptions: 1 });
    const first = await reserve('o-1', 'save10');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      orderId: 'o-1',
      status: 'reserved',
      subtotal: 4_000,
      discount: 400,
      total: 3_600,
    });
    expect(first.body.lines).toEqual([{ sku: 'TEE-001', quantity: 2, unitPrice: 2_000, discount: 400 }]);
    const replay = await reserve('o-1', 'SAVE10');
    expect(replay.status).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    const committed = await request(app).post('/redemptions/o-1/commit');
    expect(committed.body).toMatchObject({ status: 'committed', holdUntil: null });
  });

  it('refusals are 422 problems with their code; an unknown order is 404; a bad body 400', async () => {
    await request(app).post('/promotions').send({ code: 'ONCE', kind: 'percent', value: 10, maxRedemptions: 1 });
    await reserve('o-1', 'ONCE');
    const exhausted = await reserve('o-2', 'ONCE');
    expect(exhausted.status).toBe(422);
    expect(exhausted.body).toMatchObject({ code: 'PROMOTION.EXHAUSTED', couponCode: 'ONCE' });
    const unknown = await reserve('o-3', 'NOPE');
    expect(unknown.body).toMatchObject({ status: 422, code: 'PROMOTION.INVALID', reason: 'unknown' });
    expect((await reserve('o-1', 'OTHER')).body).toMatchObject({ code: 'PROMOTION.REQUEST_MISMATCH' });
    expect((await request(app).post('/redemptions/o-404/commit')).status).toBe(404);
    const bad = await request(app).post('/redemptions').send({ orderId: 'o-4', lines: [] });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('REQUEST.INVALID');
  });

  it('no coupon and nothing running → 200 status none, nothing stored', async () => {
    const none = await reserve('o-9');
    expect(none.status).toBe(200);
    expect(none.body).toMatchObject({ status: 'none', discount: 0, total: 4_000, couponCode: null, holdUntil: null });
    expect((await request(app).get('/redemptions/o-9')).status).toBe(404);
  });

  it('the public view: 200 without caps while running, 404 once switched off', async () => {
    const created = await request(app)
      .post('/promotions')
      .send({ code: 'PUB', kind: 'percent', value: 5, maxRedemptions: 9 });
    const view = await request(app).get('/promotions/pub');
    expect(view.status).toBe(200);
    expect(view.body).not.toHaveProperty('maxRedemptions');
    expect(view.body).not.toHaveProperty('used');
    await request(app).patch(`/promotions/${created.body.id}`).send({ active: false });
    expect((await request(app).get('/promotions/PUB')).body).toMatchObject({
      status: 404,
      code: 'PROMOTION.NOT_FOUND',
    });
  });
});
