import type { RedemptionRepositoryPort } from './ports/redemption.repository.port';

/**
 * Gives back the uses of reservations whose order neither committed nor released within the hold
 * time (a caller that crashed mid-checkout). Each one moves reserved → expired by a conditional
 * UPDATE, so instances sweeping at once, or a commit racing the sweep, give a use back at most once.
 */
export class HoldSweeper {
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly redemptions: RedemptionRepositoryPort,
    private readonly now: () => Date,
    private readonly opts: { intervalMs: number; batch?: number; onError?: (err: unknown) => void },
  ) {}

  /** One pass over every expired hold; how many it gave back. */
  async sweepOnce(): Promise<number> {
    const batch = this.opts.batch ?? 200;
    let expired = 0;
    for (;;) {
      const now = this.now();
      const due = await this.redemptions.expiredHolds(now, batch);
      for (const orderId of due) if (await this.redemptions.expire(orderId, now)) expired++;
      if (due.length < batch) return expired;
    }
  }

  start(): void {
    this.timer = setInterval(() => {
      if (this.running) return; // a slow pass is not overlapped by the next
      this.running = this.sweepOnce()
        .catch((err) => {
          this.opts.onError?.(err);
          return 0;
        })
        .finally(() => {
          this.running = undefined;
        });
    }, this.opts.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
