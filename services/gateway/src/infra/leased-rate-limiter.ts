import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';

export interface LimitDecision {
  allowed: boolean;
  remaining: number;
  msBeforeNext: number;
}

interface Lease {
  left: number;
  resetAt: number;
  remainingAtLease: number;
}

/**
 * A shared budget (Redis, via rate-limiter-flexible) taken in small leases: an instance draws
 * `lease` points at a time and spends them locally, so a cached read costs a Redis round trip once
 * per lease instead of once per request (a round trip per request cut cached reads by ~half here).
 * Accuracy: never more than the limit is admitted across instances; at most (lease - 1) points per
 * instance and window go unused, so the lease is kept to ~2% of the limit (within ±5% with a few
 * instances). When Redis is down it fails open to a per-instance memory limiter of the same size.
 */
export class LeasedRateLimiter {
  private readonly leases = new Map<string, Lease>();
  private readonly shared: RateLimiterRedis | RateLimiterMemory;
  private readonly lease: number;

  constructor(
    readonly points: number,
    readonly windowSeconds: number,
    redis?: Redis,
    keyPrefix = 'dbcarts:rl',
  ) {
    const memory = new RateLimiterMemory({ points, duration: windowSeconds });
    this.shared = redis
      ? new RateLimiterRedis({
          storeClient: redis,
          keyPrefix: `${keyPrefix}:${points}/${windowSeconds}`,
          points,
          duration: windowSeconds,
          insuranceLimiter: memory,
        })
      : memory;
    this.lease = Math.max(1, Math.floor(points * 0.02));
  }

  /**
   * The decision from a lease this instance holds, synchronously (no promise, no microtask: the
   * path of almost every request); undefined when a new lease must come from the shared store.
   */
  consumeLocal(key: string, now = Date.now()): LimitDecision | undefined {
    const held = this.leases.get(key);
    if (!held || held.left <= 0 || now >= held.resetAt) return undefined;
    held.left--;
    return { allowed: true, remaining: held.remainingAtLease + held.left, msBeforeNext: held.resetAt - now };
  }

  async consume(key: string, now = Date.now()): Promise<LimitDecision> {
    const local = this.consumeLocal(key, now);
    if (local) return local;
    try {
      const r = await this.shared.consume(key, this.lease);
      this.leases.set(key, {
        left: this.lease - 1,
        resetAt: now + r.msBeforeNext,
        remainingAtLease: r.remainingPoints,
      });
      this.prune(now);
      return { allowed: true, remaining: r.remainingPoints + this.lease - 1, msBeforeNext: r.msBeforeNext };
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      this.leases.delete(key);
      return { allowed: false, remaining: 0, msBeforeNext: e.msBeforeNext };
    }
  }

  /** Expired leases go, so one-off clients do not accumulate. */
  private prune(now: number): void {
    if (this.leases.size < 10_000) return;
    for (const [k, l] of this.leases) if (l.resetAt <= now) this.leases.delete(k);
  }
}
