import { describe, expect, it, vi } from 'vitest';
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

  it('renews a lease once when many concurrent requests find it spent, so the client is not refused below its limit', async () => {
    const l = new LeasedRateLimiter(1000, 60); // lease of 20
    const shared = (l as unknown as { shared: { consume: () => Promise<unknown> } }).shared;
    const draws = vi.spyOn(shared, 'consume');
    const burst = await Promise.all(Array.from({ length: 64 }, () => l.consume('c')));
    expect(burst.every((d) => d.allowed)).toBe(true);
    // 64 requests, leases of 20: four draws, not one per request (64 draws would take 1,280 > 1,000).
    expect(draws).toHaveBeenCalledTimes(4);
    let admitted = 64;
    for (let i = 0; i < 2000; i++) if ((await l.consume('c')).allowed) admitted++;
    expect(admitted).toBe(1000);
  });

  it('draws one lease for many requests', async () => {
    const l = new LeasedRateLimiter(1000, 60);
    const first = await l.consume('c');
    const second = await l.consume('c');
    expect(first.allowed && second.allowed).toBe(true);
    expect(second.remaining).toBe(first.remaining - 1);
  });

  it('holds at most maxKeys leases however many clients pass, without scanning them all', async () => {
    const l = new LeasedRateLimiter(1000, 60, undefined, undefined, 500);
    for (let i = 0; i < 5_000; i++) await l.consume(`client-${i}`);
    expect(l.trackedKeys).toBeLessThanOrEqual(500);
    // A client whose lease was dropped draws a new one from the shared budget: still counted.
    let admitted = 0;
    for (let i = 0; i < 1_200; i++) if ((await l.consume('client-0')).allowed) admitted++;
    expect(admitted).toBeLessThanOrEqual(1000 - 1);
  });
});
