import { isDuplicateKey } from '@dbcarts/db';
import type { DataSource, EntityManager } from 'typeorm';
import type { NewRedemption, RedemptionRepositoryPort } from '../../app/ports/redemption.repository.port';
import type { StoredRefusal } from '../../domain/promotion.errors';
import type { Redemption } from '../../domain/redemption';
import type { PoolGate } from './pool-gate';
import { affected, type RedemptionRow, toRedemption } from './rows';

/**
 * SQL rather than entities: every cap decision is a conditional UPDATE whose affected-row count is
 * the answer, in the transaction that writes the order's redemption row.
 *
 * Locks are always taken in one order — the redemption row, the customer's counter, the promotion
 * row — so concurrent reserves, commits, releases and sweeps never deadlock one another. The
 * transactions run READ COMMITTED: an UPDATE whose condition fails (a cap is full) releases the row
 * at once instead of holding it to the commit, so refusals of a used-up coupon do not queue behind
 * one another on its hot row; only the granted ones hold it, from their UPDATE to their commit.
 */
export class SqlRedemptionRepository implements RedemptionRepositoryPort {
  constructor(
    private readonly ds: DataSource,
    private readonly gate: PoolGate,
  ) {}

  find(orderId: string): Promise<Redemption | null> {
    return this.gate.run(() => this.row(orderId));
  }

  reserve(r: NewRedemption, now: Date): Promise<{ redemption: Redemption; created: boolean }> {
    return this.gate.run(() => this.reserveNow(r, now));
  }

  commit(orderId: string, now: Date): Promise<Redemption | null> {
    return this.gate.run(() => this.commitNow(orderId, now));
  }

  release(orderId: string, now: Date): Promise<Redemption | null> {
    return this.gate.run(() => this.releaseNow(orderId, now));
  }

  expire(orderId: string, now: Date): Promise<boolean> {
    return this.gate.run(() => this.expireNow(orderId, now));
  }

  expiredHolds(now: Date, limit: number): Promise<string[]> {
    return this.gate.run(() => this.due(now, limit));
  }

  private async row(orderId: string): Promise<Redemption | null> {
    const [row] = (await this.ds.query('SELECT * FROM redemptions WHERE order_id = ?', [orderId])) as RedemptionRow[];
    return row ? toRedemption(row) : null;
  }

  private async reserveNow(r: NewRedemption, now: Date): Promise<{ redemption: Redemption; created: boolean }> {
    const o = r.outcome;
    const coupon = o.kind === 'granted' ? o.coupon : null;
    if (coupon && coupon.maxPerCustomer !== null) {
      // The customer's counter exists before the transaction: an INSERT IGNORE meeting an existing row
      // takes a shared lock, and upgrading it to the UPDATE's exclusive lock inside one transaction
      // deadlocks two concurrent retries of one customer. Autocommitted, the shared lock ends here.
      await this.ds.query('INSERT IGNORE INTO customer_uses (promotion_id, customer_id, used) VALUES (?, ?, 0)', [
        coupon.id,
        r.customerId,
      ]);
    }
    const decided = await this.ds.transaction('READ COMMITTED', async (m) => {
      try {
        await m.query(
          `INSERT INTO redemptions (order_id, customer_id, coupon_id, coupon_code, request_hash, status, quote, refusal,
            discount, hold_until, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            r.orderId,
            r.customerId,
            coupon?.id ?? null,
            r.couponCode,
            r.requestHash,
            o.kind === 'granted' ? 'reserved' : 'refused',
            o.kind === 'granted' ? JSON.stringify(o.quote) : null,
            o.kind === 'refused' ? JSON.stringify(o.refusal) : null,
            o.kind === 'granted' ? o.quote.discount : 0,
            o.kind === 'granted' ? o.holdUntil : null,
            now,
            now,
          ],
        );
      } catch (e) {
        // The order has its outcome already (a retry, or a concurrent call that got there first).
        if (isDuplicateKey(e)) return { created: false as const };
        throw e;
      }
      if (!coupon) return { created: true as const, refusal: null };
      const refusal = await this.takeUse(m, r.orderId, r.customerId, coupon);
      return { created: true as const, refusal };
    });

    if (!decided.created) {
      const earlier = await this.row(r.orderId);
      if (!earlier) throw new Error(`redemption of order ${r.orderId} vanished`); // rows are never deleted
      return { redemption: earlier, created: false };
    }
    const refusal = o.kind === 'refused' ? o.refusal : decided.refusal;
    return {
      created: true,
      redemption: {
        orderId: r.orderId,
        customerId: r.customerId,
        couponId: refusal ? null : (coupon?.id ?? null),
        couponCode: r.couponCode,
        requestHash: r.requestHash,
        status: refusal ? 'refused' : 'reserved',
        quote: !refusal && o.kind === 'granted' ? o.quote : null,
        refusal,
        holdUntil: !refusal && o.kind === 'granted' ? o.holdUntil : null,
        createdAt: now,
        updatedAt: now,
      },
    };
  }

  /**
   * One use of the customer's cap, then one of the global cap, each by a conditional UPDATE. When
   * either is full, what was taken is given back, the row becomes that refusal, and it is returned.
   */
  private async takeUse(
    m: EntityManager,
    orderId: string,
    customerId: string,
    coupon: { id: string; code: string; maxPerCustomer: number | null },
  ): Promise<StoredRefusal | null> {
    let refusal: StoredRefusal | null = null;
    let customerTaken = false;
    if (coupon.maxPerCustomer !== null) {
      customerTaken = await this.takeCustomerUse(m, coupon.id, customerId, coupon.maxPerCustomer);
      if (!customerTaken) {
        refusal = { code: 'PROMOTION.LIMIT_EXCEEDED', couponCode: coupon.code, maxPerCustomer: coupon.maxPerCustomer };
      }
    }
    if (!refusal && !(await this.takeGlobalUse(m, coupon.id))) {
      refusal = { code: 'PROMOTION.EXHAUSTED', couponCode: coupon.code };
      if (customerTaken) await this.giveCustomerUse(m, coupon.id, customerId);
    }
    if (refusal) {
      await m.query(
        `UPDATE redemptions SET status = 'refused', coupon_id = NULL, quote = NULL, discount = 0, hold_until = NULL,
          refusal = ? WHERE order_id = ?`,
        [JSON.stringify(refusal), orderId],
      );
    }
    return refusal;
  }

  private async takeCustomerUse(m: EntityManager, promotionId: string, customerId: string, max: number) {
    const res = await m.query(
      'UPDATE customer_uses SET used = used + 1 WHERE promotion_id = ? AND customer_id = ? AND used < ?',
      [promotionId, customerId, max],
    );
    return affected(res) === 1;
  }

  /** The global cap: reserved + committed ≤ max_redemptions, decided by this one statement. */
  private async takeGlobalUse(m: EntityManager, promotionId: string) {
    const res = await m.query(
      'UPDATE promotions SET used = used + 1 WHERE id = ? AND (max_redemptions IS NULL OR used < max_redemptions)',
      [promotionId],
    );
    return affected(res) === 1;
  }

  private async giveCustomerUse(m: EntityManager, promotionId: string, customerId: string) {
    await m.query('UPDATE customer_uses SET used = used - 1 WHERE promotion_id = ? AND customer_id = ? AND used > 0', [
      promotionId,
      customerId,
    ]);
  }

  /** Gives a held use back to both caps; called only by the one caller whose status move succeeded. */
  private async giveBack(m: EntityManager, orderId: string): Promise<void> {
    const [row] = (await m.query('SELECT coupon_id, customer_id FROM redemptions WHERE order_id = ?', [orderId])) as {
      coupon_id: string | null;
      customer_id: string;
    }[];
    if (!row?.coupon_id) return;
    await this.giveCustomerUse(m, row.coupon_id, row.customer_id);
    await m.query('UPDATE promotions SET used = used - 1 WHERE id = ? AND used > 0', [row.coupon_id]);
  }

  private async commitNow(orderId: string, now: Date): Promise<Redemption | null> {
    await this.ds.transaction('READ COMMITTED', async (m) => {
      const moved = await m.query(
        "UPDATE redemptions SET status = 'committed', updated_at = ? WHERE order_id = ? AND status = 'reserved'",
        [now, orderId],
      );
      if (affected(moved) === 1) return;
      const [row] = (await m.query('SELECT * FROM redemptions WHERE order_id = ? FOR UPDATE', [orderId])) as
        | RedemptionRow[]
        | undefined[];
      if (row?.status !== 'expired') return; // committed already (idempotent), released, refused or none
      // The hold ran out before the order confirmed (a saga finished late by its recovery): take the
      // use again if the caps have room, under the same conditions as a reserve; else it stays expired.
      if (row.coupon_id) {
        const [p] = (await m.query('SELECT max_per_customer FROM promotions WHERE id = ?', [row.coupon_id])) as {
          max_per_customer: number | null;
        }[];
        const perCustomer = p?.max_per_customer ?? null;
        if (perCustomer !== null && !(await this.takeCustomerUse(m, row.coupon_id, row.customer_id, perCustomer))) {
          return;
        }
        if (!(await this.takeGlobalUse(m, row.coupon_id))) {
          if (perCustomer !== null) await this.giveCustomerUse(m, row.coupon_id, row.customer_id);
          return;
        }
      }
      await m.query("UPDATE redemptions SET status = 'committed', updated_at = ? WHERE order_id = ?", [now, orderId]);
    });
    return this.row(orderId);
  }

  private async releaseNow(orderId: string, now: Date): Promise<Redemption | null> {
    for (let round = 0; round < 3; round++) {
      const released = await this.ds.transaction('READ COMMITTED', async (m) => {
        const moved = await m.query(
          `UPDATE redemptions SET status = 'released', updated_at = ?
           WHERE order_id = ? AND status IN ('reserved', 'committed')`,
          [now, orderId],
        );
        if (affected(moved) !== 1) return false;
        await this.giveBack(m, orderId);
        return true;
      });
      if (released) return this.row(orderId);
      // Nothing held. An order that never reserved gets a tombstone, so a reserve still on its way
      // (its caller gave up waiting and compensated) finds the order released and holds nothing.
      const tomb = await this.ds.query(
        `INSERT IGNORE INTO redemptions (order_id, customer_id, request_hash, status, created_at, updated_at)
         VALUES (?, '', '', 'released', ?, ?)`,
        [orderId, now, now],
      );
      if (affected(tomb) === 1) return null;
      const row = await this.row(orderId);
      // A reserve committed between the two statements: release that one.
      if (row && (row.status === 'reserved' || row.status === 'committed')) continue;
      return row;
    }
    return this.row(orderId);
  }

  private async expireNow(orderId: string, now: Date): Promise<boolean> {
    return this.ds.transaction('READ COMMITTED', async (m) => {
      const moved = await m.query(
        `UPDATE redemptions SET status = 'expired', updated_at = ?
         WHERE order_id = ? AND status = 'reserved' AND hold_until < ?`,
        [now, orderId, now],
      );
      if (affected(moved) !== 1) return false;
      await this.giveBack(m, orderId);
      return true;
    });
  }

  private async due(now: Date, limit: number): Promise<string[]> {
    const rows = (await this.ds.query(
      "SELECT order_id FROM redemptions WHERE status = 'reserved' AND hold_until < ? ORDER BY hold_until LIMIT ?",
      [now, limit],
    )) as { order_id: string }[];
    return rows.map((r) => r.order_id);
  }
}
