interface Waiter<O> {
  resolve: (value: O) => void;
  reject: (reason: unknown) => void;
}

interface Queue<I, O> {
  items: I[];
  waiters: Waiter<O>[];
  /** Calls waiting or in flight. */
  pending: number;
  /** Batches sent and not yet settled. */
  inFlight: number;
  /** A send of what has queued is already scheduled. */
  scheduled: boolean;
}

export interface BatcherLimits {
  /** Most calls waiting or in flight for one key; beyond it submit() refuses at once. */
  maxPendingPerKey?: number;
  /** Most calls waiting or in flight over all keys (also bounds how many keys are held). */
  maxPending?: number;
  /**
   * A flush that has not settled by then fails its callers and the next batch goes on. The flush
   * gets an AbortSignal that fires at the deadline: it should end its I/O then.
   */
  timeoutMs?: number;
  /**
   * Most batches of one key in flight at once (default 1). Above 1 the next batch leaves while
   * earlier ones travel, so the time a batch spends on the wire overlaps the receiver's work on
   * the one before (the receiver, e.g. a SKU's actor, still takes them one at a time).
   */
  maxInFlightPerKey?: number;
}

/** A hot key or a flood of keys met the bound: the caller answers "busy, retry later". */
export class BatcherOverloadedError extends Error {
  readonly code = 'BATCHER.OVERLOADED';
  constructor(
    readonly scope: 'key' | 'total',
    readonly limit: number,
  ) {
    super(`batcher full: ${limit} calls pending (${scope === 'key' ? 'for this key' : 'in total'})`);
    this.name = 'BatcherOverloadedError';
  }
}

/** The batch this call travelled in did not answer in time; its outcome is unknown. */
export class BatchTimeoutError extends Error {
  readonly code = 'BATCHER.TIMEOUT';
  constructor(readonly timeoutMs: number) {
    super(`batch did not answer within ${timeoutMs} ms`);
    this.name = 'BatchTimeoutError';
  }
}

const DEFAULTS: Required<BatcherLimits> = {
  maxPendingPerKey: 10_000,
  maxPending: 100_000,
  timeoutMs: 30_000,
  maxInFlightPerKey: 1,
};

/**
 * Folds concurrent calls for one key into batches: while a batch for a key is in flight (or
 * maxInFlightPerKey of them), new calls queue up and go together in the next one. No timer: an
 * idle key sends at once, a hot key sends as fast as its flushes return. One actor turn per batch
 * is what lets a single SKU take a flash sale (one reservation per turn tops out near 800/s here).
 *
 * Bounded: callers control how much is queued (every request adds a waiter), so past the per-key
 * or overall bound submit() refuses at once instead of growing memory and latency without end,
 * and a stalled flush fails its callers after timeoutMs instead of holding them (and the key's
 * queue behind them) forever.
 */
export class KeyedBatcher<I, O> {
  private readonly queues = new Map<string, Queue<I, O>>();
  private total = 0;
  private readonly limits: Required<BatcherLimits>;

  constructor(
    private readonly flush: (key: string, items: I[], signal: AbortSignal) => Promise<O[]>,
    private readonly maxBatch: number,
    limits: BatcherLimits = {},
  ) {
    this.limits = { ...DEFAULTS, ...limits };
  }

  /** Calls waiting or in flight, over all keys. */
  get pending(): number {
    return this.total;
  }

  submit(key: string, item: I): Promise<O> {
    const existing = this.queues.get(key);
    if (existing && existing.pending >= this.limits.maxPendingPerKey) {
      return Promise.reject(new BatcherOverloadedError('key', this.limits.maxPendingPerKey));
    }
    if (this.total >= this.limits.maxPending) {
      return Promise.reject(new BatcherOverloadedError('total', this.limits.maxPending));
    }
    const queue = existing ?? { items: [], waiters: [], pending: 0, inFlight: 0, scheduled: false };
    if (!existing) this.queues.set(key, queue);
    queue.pending++;
    this.total++;
    return new Promise<O>((resolve, reject) => {
      queue.items.push(item);
      queue.waiters.push({ resolve, reject });
      if (queue.scheduled || queue.inFlight >= this.limits.maxInFlightPerKey) return;
      queue.scheduled = true;
      // An idle key: calls made in the same tick join the first batch. A key with a batch in
      // flight and room for another: calls whose requests were read in the same turn of the
      // event loop join it (setImmediate runs after that turn's I/O), not one batch per call.
      if (queue.inFlight === 0) queueMicrotask(() => this.launch(key, queue));
      else setImmediate(() => this.launch(key, queue));
    });
  }

  /** Sends what has queued, as batches of at most maxBatch, while the key has room in flight. */
  private launch(key: string, queue: Queue<I, O>): void {
    queue.scheduled = false;
    while (queue.items.length > 0 && queue.inFlight < this.limits.maxInFlightPerKey) {
      const items = queue.items.splice(0, this.maxBatch);
      const waiters = queue.waiters.splice(0, items.length);
      queue.inFlight++;
      void this.send(key, queue, items, waiters);
    }
    if (queue.pending === 0 && this.queues.get(key) === queue) this.queues.delete(key);
  }

  private async send(key: string, queue: Queue<I, O>, items: I[], waiters: Waiter<O>[]): Promise<void> {
    try {
      const outcomes = await this.flushWithin(key, items);
      if (outcomes.length !== items.length) {
        throw new Error(`batch for ${key} answered ${outcomes.length} outcomes for ${items.length} items`);
      }
      for (const [i, w] of waiters.entries()) w.resolve(outcomes[i] as O);
    } catch (e) {
      for (const w of waiters) w.reject(e);
    } finally {
      queue.pending -= waiters.length;
      this.total -= waiters.length;
      queue.inFlight--;
      // What queued while this batch travelled goes next, at once.
      this.launch(key, queue);
    }
  }

  private async flushWithin(key: string, items: I[]): Promise<O[]> {
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const e = new BatchTimeoutError(this.limits.timeoutMs);
        abort.abort(e);
        reject(e);
      }, this.limits.timeoutMs);
    });
    try {
      // The flush itself may still be running after the deadline (if it ignores the signal): its
      // late answer is dropped, and a late rejection must not surface as unhandled.
      const flushed = this.flush(key, items, abort.signal);
      flushed.catch(() => undefined);
      return await Promise.race([flushed, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }
}
