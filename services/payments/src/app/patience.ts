import { PaymentBusyError } from '../domain/payment.errors';

/**
 * Bounds the read-decide-act loop of one request: waits while another caller holds the step
 * (short pauses, growing to 200 ms), and gives up with PaymentBusyError past the wait bound or
 * after too many lost races, so no request loops for ever.
 */
export class Patience {
  private readonly until: number;
  private pauseMs = 10;
  private rounds = 0;

  constructor(
    private readonly orderId: string,
    waitMs: number,
  ) {
    this.until = Date.now() + waitMs;
  }

  /** One more round of the loop (a lost race); throws when there have been too many. */
  round(): void {
    if (++this.rounds > 50) throw new PaymentBusyError(this.orderId);
  }

  async pause(): Promise<void> {
    this.round();
    const left = this.until - Date.now();
    if (left <= 0) throw new PaymentBusyError(this.orderId);
    await new Promise((r) => setTimeout(r, Math.min(this.pauseMs, left)));
    this.pauseMs = Math.min(200, this.pauseMs * 2);
  }
}

/**
 * Concurrent identical requests in one process share one run; the database arbitrates between
 * processes. `joined` tells a caller it rode along on another's run (a replay, for its answer).
 */
export class SingleFlight {
  private readonly flights = new Map<string, Promise<unknown>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<{ result: T; joined: boolean }> {
    const running = this.flights.get(key);
    if (running) return { result: (await running) as T, joined: true };
    const p = work().finally(() => this.flights.delete(key));
    this.flights.set(key, p);
    return { result: await p, joined: false };
  }
}
