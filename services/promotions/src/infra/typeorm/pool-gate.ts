import { ConcurrencyLimit } from '@dbcarts/concurrency';

/**
 * At most the pool's size of repository calls at once; the rest wait here, in arrival order, for as
 * long as their request's deadline allows. mysql2's own queue refuses a caller beyond 50 waiters
 * (DEFAULT_DATABASE_BOUNDS.queueLimit): a rush of 1,000 checkouts on one coupon, or 300 releases at
 * once, answered 503 DEPENDENCY.UNAVAILABLE for work the database does in milliseconds.
 * A gated method runs its statements one after another on one connection at a time and never calls
 * another gated method (all slots held by callers waiting for a second slot would never free one).
 */
export class PoolGate {
  private readonly limit: ConcurrencyLimit;

  constructor(size: number) {
    this.limit = new ConcurrencyLimit(size);
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    return this.limit.run(work);
  }
}
