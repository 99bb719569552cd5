import { describe, expect, it } from 'vitest';
import { ClaimRate } from './claim-rate';

describe('ClaimRate', () => {
  it('admits at most the live rate per SKU each second, and says how long to wait', async () => {
    let rate = 3;
    const limit = new ClaimRate(() => rate);
    const answers = await Promise.all(Array.from({ length: 10 }, () => limit.admit('SKU-A')));
    expect(answers.filter((w) => w === undefined)).toHaveLength(3);
    expect(answers.filter((w) => w !== undefined).every((w) => (w as number) >= 1)).toBe(true);
    // Per SKU: another drop has its own budget.
    expect(await limit.admit('SKU-B')).toBeUndefined();
    // A live change applies to the next claim; 0 lifts the cap.
    rate = 0;
    const open = await Promise.all(Array.from({ length: 50 }, () => limit.admit('SKU-A')));
    expect(open.every((w) => w === undefined)).toBe(true);
    rate = 1;
    expect(await limit.admit('SKU-A')).toBeUndefined();
    expect(await limit.admit('SKU-A')).toBeGreaterThanOrEqual(1);
  });
});
