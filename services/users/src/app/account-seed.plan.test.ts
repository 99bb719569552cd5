import { describe, expect, it } from 'vitest';
import { UserIdParams } from '../../contract';
import {
  planBatches,
  progress,
  resumePoint,
  SEEDED_ID_RANGE,
  seededAccountId,
  seededAccountNumber,
  seededEmail,
} from './account-seed.plan';

describe('seeded accounts', () => {
  it('derive ids the service accepts, in insert order, and back', () => {
    const ids = [1, 2, 15, 16, 255, 1_000_000, 9_999_999].map(seededAccountId);
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) {
      expect(UserIdParams.safeParse({ id }).success).toBe(true);
      expect(id > SEEDED_ID_RANGE.low && id <= SEEDED_ID_RANGE.high).toBe(true);
    }
    expect(seededAccountNumber(seededAccountId(1_000_000))).toBe(1_000_000);
    expect(seededAccountNumber('3f2504e0-4f89-41d3-9a0c-0305e82c3301')).toBeUndefined();
    expect(seededAccountNumber(SEEDED_ID_RANGE.low)).toBeUndefined();
    expect(() => seededAccountId(0)).toThrow(RangeError);
    expect(seededEmail(42)).toBe('customer-42@seed.dbcarts.test');
  });

  it('resume right after the highest committed account, or from 1 when some are missing', () => {
    expect(resumePoint(undefined, 0)).toEqual({ next: 1, gaps: false });
    expect(resumePoint(5000, 5000)).toEqual({ next: 5001, gaps: false });
    expect(resumePoint(5000, 4999)).toEqual({ next: 1, gaps: true });
  });

  it('plan batches that cover next..count once, in order', () => {
    expect(planBatches(1, 10, 4)).toEqual([
      { first: 1, last: 4 },
      { first: 5, last: 8 },
      { first: 9, last: 10 },
    ]);
    expect(planBatches(7, 10, 4)).toEqual([{ first: 7, last: 10 }]);
    expect(planBatches(11, 10, 4)).toEqual([]);
    const covered = planBatches(1_001, 1_000_000, 5_000).flatMap((b) => [b.first, b.last]);
    expect(covered[0]).toBe(1_001);
    expect(covered.at(-1)).toBe(1_000_000);
    expect(() => planBatches(1, 10, 0)).toThrow(RangeError);
  });

  it('report rate and percent of the target', () => {
    expect(progress(250_000, 1_000_000, 200_000, 4_000)).toEqual({
      done: 250_000,
      target: 1_000_000,
      written: 200_000,
      rowsPerSecond: 50_000,
      percent: 25,
    });
    expect(progress(3, 3, 0, 0).percent).toBe(100);
  });
});
