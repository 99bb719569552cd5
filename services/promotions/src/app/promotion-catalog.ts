import type { Promotion } from '../domain/promotion';
import type { PromotionRepositoryPort } from './ports/promotion.repository.port';

interface Entry<T> {
  at: number;
  value: Promise<T>;
}

/**
 * The promotion definitions a checkout reads (its coupon, the automatic discounts running now),
 * kept for `ttlMs` and loaded once however many requests ask at the same moment: 1,000 checkouts at
 * once against one coupon were 2,000 reads of the same two rows that queued behind the pool.
 * Caps are never read from here (the conditional UPDATE decides them); an admin's change reaches
 * every instance within ttlMs (1 s by default), this one at once. Misses are not kept, so a coupon
 * is usable as soon as it is created.
 */
export class PromotionCatalog {
  private readonly coupons = new Map<string, Entry<Promotion | null>>();
  private automatic?: Entry<Promotion[]>;

  constructor(
    private readonly repo: PromotionRepositoryPort,
    private readonly ttlMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  coupon(code: string): Promise<Promotion | null> {
    const hit = this.coupons.get(code);
    if (hit && this.fresh(hit)) return hit.value;
    const value = this.repo.byCode(code);
    const entry = { at: this.clock(), value };
    this.coupons.set(code, entry);
    value.then(
      (p) => {
        if (!p && this.coupons.get(code) === entry) this.coupons.delete(code);
      },
      () => {
        if (this.coupons.get(code) === entry) this.coupons.delete(code);
      },
    );
    if (this.coupons.size > 10_000) this.coupons.clear(); // a flood of distinct codes stays bounded
    return value;
  }

  /** Automatic discounts that may run now; each is still checked against `now` by the pricing rules. */
  runningAutomatic(now: Date): Promise<Promotion[]> {
    if (this.automatic && this.fresh(this.automatic)) return this.automatic.value;
    // Loaded for the next ttlMs: one starting within them is in the list already, and the pricing
    // rules check each one's window against the order's own time.
    const value = this.repo.runningAutomatic(now, new Date(now.getTime() + this.ttlMs));
    const entry = { at: this.clock(), value };
    this.automatic = entry;
    value.catch(() => {
      if (this.automatic === entry) this.automatic = undefined;
    });
    return value;
  }

  /** After a local write: this instance sees it at once. */
  forget(code?: string | null): void {
    if (code) this.coupons.delete(code);
    this.automatic = undefined;
  }

  private fresh(e: Entry<unknown>): boolean {
    return this.clock() - e.at < this.ttlMs;
  }
}
