interface Waiter<O> {
  resolve: (value: O) => void;
  reject: (reason: unknown) => void;
}

interface Queue<I, O> {
  items: I[];
  waiters: Waiter<O>[];
}

/**
 * Folds concurrent calls for one key into batches: while a batch for a key is in flight, new
 * calls queue up and go together in the next one. No timer: an idle key sends at once, a hot key
 * sends as fast as its flush returns. One actor turn per batch is what lets a single SKU take a
 * flash sale (one reservation per turn tops out near 800/s here).
 */
export class KeyedBatcher<I, O> {
  private readonly queues = new Map<string, Queue<I, O>>();

  constructor(
    private readonly flush: (key: string, items: I[]) => Promise<O[]>,
    private readonly maxBatch: number,
  ) {}

  submit(key: string, item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      let queue = this.queues.get(key);
      const idle = !queue;
      if (!queue) {
        queue = { items: [], waiters: [] };
        this.queues.set(key, queue);
      }
      queue.items.push(item);
      queue.waiters.push({ resolve, reject });
      if (idle) void this.drain(key, queue);
    });
  }

  private async drain(key: string, queue: Queue<I, O>): Promise<void> {
    // Let calls made in the same tick join the first batch.
    await Promise.resolve();
    while (queue.items.length > 0) {
      const items = queue.items.splice(0, this.maxBatch);
      const waiters = queue.waiters.splice(0, items.length);
      try {
        const outcomes = await this.flush(key, items);
        if (outcomes.length !== items.length) {
          throw new Error(`batch for ${key} answered ${outcomes.length} outcomes for ${items.length} items`);
        }
        for (const [i, w] of waiters.entries()) w.resolve(outcomes[i] as O);
      } catch (e) {
        for (const w of waiters) w.reject(e);
      }
    }
    this.queues.delete(key);
  }
}
