import { describe, expect, it } from 'vitest';
import { LeasedRateLimiter } from './leased-rate-limiter';

describe('LeasedRateLimiter', () => {
  it('never admits more than the limit, even across instances sharing one budget', async () => {
    // Two "instances" over one shared memory budget stand in for two gateways over Redis.
    const a = new LeasedRateLimiter(1000, 60);
    const b = Object.assign(Object.create(Object.getPrototypeOf(a)), a, { leases: new Map() }) as LeasedRateLimiter;
    let admitted = 0;
    for (let i = 0; i < 5000; i++) if ((await (i % 2 ? a : b).consume('client')).allowed) admitted++;
    expect(admitted).toBeLessThanOrEqual(1000);
    expect(admitted).toBeGreaterThanOrEqual(950); // at most (lease - 1) unused per instance
  });

  it('draws one lease for many requests', async () => {
    const l = new LeasedRateLimiter(1000, 60);
    const first = await l.consume('c');
    const second = await l.consume('c');
    expect(first.allowed && second.allowed).toBe(true);
    expect(second.remaining).toBe(first.remaining - 1);
  });
});
