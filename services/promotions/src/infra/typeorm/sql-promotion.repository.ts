import { isDuplicateKey } from '@dbcarts/db';
import type { DataSource } from 'typeorm';
import type { PromotionRepositoryPort } from '../../app/ports/promotion.repository.port';
import type { Promotion } from '../../domain/promotion';
import { PromotionCodeTakenError } from '../../domain/promotion.errors';
import type { PoolGate } from './pool-gate';
import { type PromotionRow, toPromotion } from './rows';

export class SqlPromotionRepository implements PromotionRepositoryPort {
  constructor(
    private readonly ds: DataSource,
    private readonly gate: PoolGate,
  ) {}

  create(p: Promotion): Promise<void> {
    return this.gate.run(() => this.insert(p));
  }

  private async insert(p: Promotion): Promise<void> {
    try {
      await this.ds.query(
        `INSERT INTO promotions (id, code, kind, value, currency, min_subtotal, skus, departments, starts_at, ends_at,
          max_redemptions, max_per_customer, active, used, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
        [
          p.id,
          p.code,
          p.kind,
          p.value,
          p.currency,
          p.minSubtotal,
          JSON.stringify(p.skus),
          JSON.stringify(p.departments),
          p.startsAt,
          p.endsAt,
          p.maxRedemptions,
          p.maxPerCustomer,
          p.active ? 1 : 0,
          p.createdAt,
          p.createdAt,
        ],
      );
    } catch (e) {
      // The unique key on the upper-case code is what makes codes unique under concurrent creates.
      if (isDuplicateKey(e) && p.code) throw new PromotionCodeTakenError(p.code);
      throw e;
    }
  }

  byCode(code: string): Promise<Promotion | null> {
    return this.gate.run(() => this.one('SELECT * FROM promotions WHERE code = ?', [code]));
  }

  private async one(sql: string, params: unknown[]): Promise<Promotion | null> {
    const [row] = (await this.ds.query(sql, params)) as PromotionRow[];
    return row ? toPromotion(row) : null;
  }

  runningAutomatic(from: Date, to: Date): Promise<Promotion[]> {
    return this.gate.run(() => this.automatic(from, to));
  }

  private async automatic(from: Date, to: Date): Promise<Promotion[]> {
    const rows = (await this.ds.query(
      `SELECT * FROM promotions WHERE code IS NULL AND active = 1
        AND (starts_at IS NULL OR starts_at <= ?) AND (ends_at IS NULL OR ends_at > ?)`,
      [to, from],
    )) as PromotionRow[];
    return rows.map(toPromotion);
  }

  setActive(id: string, active: boolean): Promise<Promotion | null> {
    return this.gate.run(async () => {
      await this.ds.query('UPDATE promotions SET active = ? WHERE id = ?', [active ? 1 : 0, id]);
      return this.one('SELECT * FROM promotions WHERE id = ?', [id]);
    });
  }

  customerUses(promotionId: string, customerId: string): Promise<number> {
    return this.gate.run(() => this.uses(promotionId, customerId));
  }

  private async uses(promotionId: string, customerId: string): Promise<number> {
    const [row] = (await this.ds.query('SELECT used FROM customer_uses WHERE promotion_id = ? AND customer_id = ?', [
      promotionId,
      customerId,
    ])) as { used: number }[];
    return Number(row?.used ?? 0);
  }
}
