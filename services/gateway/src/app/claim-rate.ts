import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * The claim rate of a drop: at most `rate()` claims a second per SKU on this gateway instance (the
 * live setting `gateway.flashsales.claim-rate`; 0 = no cap), so an operator can slow a drop that
 * outruns checkout without stopping it. A change of the rate takes effect on the next claim.
 */
export class ClaimRate {
  private limiter?: RateLimiterMemory;
  private points = 0;

  constructor(private readonly rate: () => number) {}

  /** Undefined: admitted. Otherwise the seconds to wait before trying again. */
  async admit(sku: string): Promise<number | undefined> {
    const points = this.rate();
    if (points <= 0) return undefined;
    if (!this.limiter || points !== this.points) {
      this.limiter = new RateLimiterMemory({ keyPrefix: 'claims', points, duration: 1 });
      this.points = points;
    }
    try {
      await this.limiter.consume(sku);
      return undefined;
    } catch (e) {
      if (e instanceof RateLimiterRes) return Math.max(1, Math.ceil(e.msBeforeNext / 1000));
      throw e;
    }
  }
}
