import type { Logger } from '@dbcarts/logging';
import type { Sidecar } from './sidecar';

/**
 * One value from the Dapr Configuration API (component `configstore`), polled: an operator changes
 * the key and every gateway instance applies it within the interval, no restart. A malformed value
 * is ignored (logged) and the last good one stays; so does it while the store cannot be read.
 */
export class LiveSetting<T> {
  private value: T;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly sidecar: Sidecar,
    private readonly log: Logger,
    private readonly key: string,
    /** undefined: malformed. An absent or empty key is `fallback`. */
    private readonly parse: (raw: string) => T | undefined,
    private readonly fallback: T,
    private readonly store = 'configstore',
  ) {
    this.value = fallback;
  }

  get current(): T {
    return this.value;
  }

  start(intervalMs: number): this {
    const tick = () =>
      void this.refresh().catch((err) => this.log.warn({ err, key: this.key }, 'configuration not read'));
    tick();
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref();
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async refresh(): Promise<void> {
    const raw = (await this.sidecar.invokeConfiguration(this.store, [this.key]))[this.key]?.trim();
    const next = raw ? this.parse(raw) : this.fallback;
    if (next === undefined) return void this.log.warn({ raw }, `ignoring malformed ${this.key}`);
    if (JSON.stringify(next) !== JSON.stringify(this.value)) {
      this.log.info({ key: this.key, value: raw ?? '' }, 'live setting changed');
      this.value = next;
    }
  }
}

/** Parsers for the common shapes of a live value; undefined is "malformed" (the last good value stays). */
export const liveValue = {
  /** "true" or "false". */
  boolean: (raw: string): boolean | undefined => (raw === 'true' ? true : raw === 'false' ? false : undefined),
  /** A whole number within [min, max]. */
  intIn:
    (min: number, max: number) =>
    (raw: string): number | undefined => {
      const n = /^\d{1,15}$/.test(raw) ? Number(raw) : Number.NaN;
      return Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined;
    },
};
