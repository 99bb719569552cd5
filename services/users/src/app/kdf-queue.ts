import { KdfBusyError } from '../domain/user';

/** Who asks for a KDF: a login (verify) or a registration (hash). */
export type KdfLane = 'login' | 'register';

export interface KdfQueueOptions {
  /** KDFs running at once: one per core (each is ~70 ms of CPU and 32 MiB); more only lengthens each. */
  concurrency: number;
  /** How many may wait beyond those; past that a caller is refused at once. */
  queueLimit: number;
  /** Of running + waiting, at most this many registrations: a registration flood leaves logins the rest. */
  registrationLimit: number;
  /**
   * Longest wait for a turn before AUTH.BUSY: shorter than the caller's own timeout (the gateway's
   * invocation gives up after 6 s), so a caller hears "busy, retry" rather than a timeout.
   */
  maxWaitMs?: number;
}

/** A place in the queue: run the KDF in it once, or release it unused. */
export interface KdfTicket {
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Gives the place back if it was not used; idempotent. */
  release(): void;
}

interface Waiter {
  start: () => void;
  timer: NodeJS.Timeout;
}

/**
 * Bounds the password-hashing work of one users instance. Unbounded, 60 concurrent registrations
 * meant 60 scrypts (1.9 GiB) competing for two cores, and every login waited behind them. Here at
 * most `concurrency` run; a bounded number wait, for at most `maxWaitMs`; registrations hold at most
 * their share of the places, and a waiting login goes before every waiting registration (in a
 * flood a login waits for one running KDF, not for the flood). Beyond that a caller hears
 * KdfBusyError (503 + Retry-After) at once.
 */
export class KdfQueue {
  private readonly held: Record<KdfLane, number> = { login: 0, register: 0 };
  private running = 0;
  private readonly waiting: Record<KdfLane, Waiter[]> = { login: [], register: [] };
  /** Moving average of a KDF's duration, for Retry-After. */
  private avgMs = 100;

  constructor(private readonly opts: KdfQueueOptions) {}

  /** Takes a place, synchronously; throws KdfBusyError when the queue or the lane's share is full. */
  admit(lane: KdfLane): KdfTicket {
    const total = this.held.login + this.held.register;
    const full = total >= this.opts.concurrency + this.opts.queueLimit;
    if (full || (lane === 'register' && this.held.register >= this.opts.registrationLimit)) {
      throw this.busy();
    }
    this.held[lane]++;
    let holding = true;
    const release = () => {
      if (!holding) return;
      holding = false;
      this.held[lane]--;
    };
    return {
      release,
      run: async <T>(work: () => Promise<T>): Promise<T> => {
        if (!holding) throw new Error('this KDF ticket was already used or released');
        try {
          await this.turn(lane);
          const started = performance.now();
          try {
            return await work();
          } finally {
            this.avgMs = 0.8 * this.avgMs + 0.2 * (performance.now() - started);
            this.running--;
            const next = this.waiting.login.shift() ?? this.waiting.register.shift();
            if (next) {
              clearTimeout(next.timer);
              next.start();
            }
          }
        } finally {
          release();
        }
      },
    };
  }

  /**
   * Resolves when a KDF may start; rejects with KdfBusyError after maxWaitMs. Whoever finishes hands
   * its slot straight to the first waiting login, else the first waiting registration.
   */
  private turn(lane: KdfLane): Promise<void> {
    if (this.running < this.opts.concurrency) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const line = this.waiting[lane];
      const waiter: Waiter = {
        start: () => {
          this.running++;
          resolve();
        },
        timer: setTimeout(() => {
          line.splice(line.indexOf(waiter), 1);
          reject(this.busy());
        }, this.opts.maxWaitMs ?? 3_000),
      };
      line.push(waiter);
    });
  }

  /** Retry-After: how long the places now held take to drain at the measured KDF time. */
  private busy(): KdfBusyError {
    const held = this.held.login + this.held.register;
    return new KdfBusyError(Math.max(1, Math.ceil((held * this.avgMs) / this.opts.concurrency / 1000)));
  }
}
