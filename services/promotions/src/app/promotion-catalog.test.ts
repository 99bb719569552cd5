import { describe, expect, it } from 'vitest';
import type { Promotion } from '../domain/promotion';
import type { PromotionRepositoryPort } from './ports/promotion.repository.port';
import { PromotionCatalog } from './promotion-catalog';

const coupon = { id: 'p1', code: 'SAVE10' } as Promotion;

/** Counts reads; each answer waits for `release()` so concurrent callers overlap. */
function countingRepo(found: Promotion | null = coupon) {
  const reads = { byCode: 0, automatic: 0 };
  let release: () => void = () => undefined;
  const gate = () => new Promise<void>((r) => (release = r));
  const repo = {
    byCode: async () => {
      reads.byCode++;
      await gate();
      return found;
    },
    runningAutomatic: async () => {
      reads.automatic++;
      await gate();
      return [];
    },
  } as unknown as PromotionRepositoryPort;
  return { repo, reads, release: () => release() };
}

describe('PromotionCatalog', () => {
  it('1,000 concurrent lookups of one coupon are one read', async () => {
    const { repo, reads, release } = countingRepo();
    let t = 0;
    const catalog = new PromotionCatalog(repo, 1_000, () => t);
    const all = Promise.all(Array.from({ length: 1_000 }, () => catalog.coupon('SAVE10')));
    release();
    expect((await all).every((p) => p === coupon)).toBe(true);
    expect(reads.byCode).toBe(1);
    t = 999;
    await catalog.coupon('SAVE10');
    expect(reads.byCode).toBe(1);
    t = 1_000; // stale: read again
    const again = catalog.coupon('SAVE10');
    release();
    await again;
    expect(reads.byCode).toBe(2);
  });

  it('a miss is not kept: a coupon created a moment later is found at once', async () => {
    const { repo, reads, release } = countingRepo(null);
    const catalog = new PromotionCatalog(repo, 1_000, () => 0);
    const first = catalog.coupon('NEW');
    release();
    expect(await first).toBeNull();
    const second = catalog.coupon('NEW');
    release();
    await second;
    expect(reads.byCode).toBe(2);
  });

  it('forget() drops what this instance changed, so its own admin writes apply at once', async () => {
    const { repo, reads, release } = countingRepo();
    const catalog = new PromotionCatalog(repo, 60_000, () => 0);
    const a = catalog.runningAutomatic(new Date());
    release();
    await a;
    catalog.forget('SAVE10');
    const b = catalog.runningAutomatic(new Date());
    release();
    await b;
    expect(reads.automatic).toBe(2);
  });
});
