import type { Sidecar } from '@dbcarts/dapr';
import type { Logger } from '@dbcarts/logging';
import type { RateLimitSettings } from '../http/rate-limit.middleware';

export const RATE_LIMIT_KEY = 'gateway.ratelimit.default';

/**
 * Rate limits from the Dapr Configuration API (component `configstore`), polled every few
 * seconds: an operator changes `gateway.ratelimit.default` to e.g. "600/60" and every gateway
 * instance applies it within the interval, no restart. A malformed value is ignored (logged).
 */
export class LiveLimits {
  private value: RateLimitSettings;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly sidecar: Sidecar,
    private readonly log: Logger,
    fallback: RateLimitSettings,
    private readonly store = 'configstore',
  ) {
    this.value = fallback;
  }

  get current(): RateLimitSettings {
    return this.value;
  }

  start(intervalMs = 2000): void {
    const tick = () => void this.refresh().catch((err) => this.log.warn({ err }, 'rate-limit configuration not read'));
    tick();
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref();
  }

  async refresh(): Promise<void> {
    const res = await this.sidecar.invokeConfiguration(this.store, [RATE_LIMIT_KEY]);
    const raw = res[RATE_LIMIT_KEY];
    if (!raw) return;
    const m = /^(\d{1,9})\/(\d{1,6})$/.exec(raw.trim());
    if (!m) return void this.log.warn({ raw }, `ignoring malformed ${RATE_LIMIT_KEY}`);
    const next = { points: Number(m[1]), windowSeconds: Number(m[2]) };
    if (next.points !== this.value.points || next.windowSeconds !== this.value.windowSeconds) {
      this.log.info({ ...next }, 'rate limit changed');
      this.value = next;
    }
  }
}
