import type { Sidecar } from '@dbcarts/dapr';
import type { SweepSchedulerPort } from '../app/ports/stock-state.port';

export const SWEEP_REMINDER = 'sweep';

/**
 * One reminder per SKU, moved only when an earlier expiry appears, so a busy SKU registers it about
 * once per hold period rather than once per turn. Reminders live in the Dapr scheduler: they fire
 * after the actor was deactivated or the app restarted, which a timer would not.
 */
export class DaprSweepSchedulerAdapter implements SweepSchedulerPort {
  private scheduledAt?: number;

  constructor(
    private readonly sidecar: Sidecar,
    private readonly actorType: string,
    private readonly sku: string,
    private readonly now: () => number,
  ) {}

  async ensureSweepAt(at: number): Promise<void> {
    if (this.scheduledAt !== undefined && this.scheduledAt <= at && this.scheduledAt > this.now()) return;
    await this.sidecar.setActorReminder(this.actorType, this.sku, SWEEP_REMINDER, at - this.now() + 20);
    this.scheduledAt = at;
  }

  /** The reminder fired: the next sweep must be scheduled afresh. */
  fired(): void {
    this.scheduledAt = undefined;
  }
}
