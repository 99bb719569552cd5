import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { isRunning, normalizeCode, type Promotion, type PromotionKind } from '../domain/promotion';
import { PromotionNotFoundError } from '../domain/promotion.errors';
import type { PromotionCatalog } from './promotion-catalog';
import { PROMOTIONS, type PromotionsSettings } from './promotions.tokens';
import type { PromotionRepositoryPort } from './ports/promotion.repository.port';

/** A validated admin request (contract CreatePromotionBody: every field checked, code upper case). */
export interface CreatePromotion {
  code?: string;
  kind: PromotionKind;
  value: number;
  currency?: string;
  minSubtotal: number;
  startsAt?: string;
  endsAt?: string;
  maxRedemptions?: number;
  maxPerCustomer?: number;
  skus: string[];
  departments: string[];
}

/** The admin API (through the gateway) and the public coupon view. */
@injectable()
export class ManagePromotionsUseCase {
  constructor(
    @inject(PROMOTIONS.Settings) private readonly settings: PromotionsSettings,
    @inject(PROMOTIONS.Promotions) private readonly promotions: PromotionRepositoryPort,
    @inject(PROMOTIONS.Catalog) private readonly catalog: PromotionCatalog,
  ) {}

  /** PROMOTION.CODE_TAKEN (409) when the code exists in any case. */
  async create(cmd: CreatePromotion): Promise<Promotion> {
    const p: Promotion = {
      id: randomUUID(),
      code: cmd.code ? normalizeCode(cmd.code) : null,
      kind: cmd.kind,
      value: cmd.value,
      currency: cmd.currency ?? null,
      minSubtotal: cmd.minSubtotal,
      skus: cmd.skus,
      departments: cmd.departments,
      startsAt: cmd.startsAt ? new Date(cmd.startsAt) : null,
      endsAt: cmd.endsAt ? new Date(cmd.endsAt) : null,
      maxRedemptions: cmd.maxRedemptions ?? null,
      maxPerCustomer: cmd.maxPerCustomer ?? null,
      active: true,
      used: 0,
      createdAt: this.settings.now(),
    };
    await this.promotions.create(p);
    this.catalog.forget(p.code);
    return p;
  }

  /** A coupon a shopper may use now; unknown, switched off, not started or ended → 404. */
  async publicView(code: string): Promise<Promotion> {
    const p = await this.promotions.byCode(normalizeCode(code));
    if (!p || !isRunning(p, this.settings.now())) throw new PromotionNotFoundError(`running coupon ${code}`);
    return p;
  }

  /** The admin's switch, by id (automatic discounts have no code). */
  async setActive(id: string, active: boolean): Promise<Promotion> {
    const p = await this.promotions.setActive(id, active);
    if (!p) throw new PromotionNotFoundError(`promotion ${id}`);
    this.catalog.forget(p.code);
    return p;
  }
}
