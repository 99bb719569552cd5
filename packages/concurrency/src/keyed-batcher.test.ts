import { describe, expect, it } from 'vitest';
import { KeyedBatcher } from './keyed-batcher';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('KeyedBatcher', () => {
  it('folds calls made while a batch is in flight into the next batch, one answer per caller', async () => {
    const batches: number[][] = [];
    const b = new KeyedBatcher<number, number>(async (_k, items) => {
      batches.push(items);
      await tick();
      return items.map((i) => i * 10);
    }, 100);
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => b.submit('sku', i)));
    expect(answers).toEqual(Array.from({ length: 50 }, (_, i) => i * 10));
    expect(batches.flat()).toEqual(Array.from({ length: 50 }, (_, i) => i)); // order kept
    expect(batches.length).toBeLessThanOrEqual(2);
  });

  it('never sends more than maxBatch items at once, and keys do not wait on each other', async () => {
    const sizes: Record<string, number[]> = {};
    const b = new KeyedBatcher<number, number>(async (k, items) => {
      sizes[k] = [...(sizes[k] ?? []), items.length];
      await tick();
      return items;
    }, 7);
    await Promise.all([
      ...Array.from({ length: 30 }, (_, i) => b.submit('a', i)),
      ...Array.from({ length: 3 }, (_, i) => b.submit('b', i)),
    ]);
    expect(Math.max(...(sizes.a ?? []))).toBeLessThanOrEqual(7);
    expect(sizes.a?.reduce((x, y) => x + y, 0)).toBe(30);
    expect(sizes.b).toEqual([3]);
  });

  it('rejects every caller of a failed batch, and the next batch still runs', async () => {
    let calls = 0;
    const b = new KeyedBatcher<number, number>(async (_k, items) => {
      calls++;
      if (calls === 1) throw new Error('sidecar down');
      return items;
    }, 10);
    const first = await Promise.allSettled([b.submit('k', 1), b.submit('k', 2)]);
    expect(first.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await expect(b.submit('k', 3)).resolves.toBe(3);
  });

  it('rejects when a flush answers the wrong number of outcomes instead of mis-assigning them', async () => {
    const b = new KeyedBatcher<number, number>(async () => [1], 10);
    const r = await Promise.allSettled([b.submit('k', 1), b.submit('k', 2)]);
    expect(r.every((x) => x.status === 'rejected')).toBe(true);
  });
});

/** A flush the test releases by hand, so items stay in flight as long as the test wants. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => {
    open = r;
  });
  return { open, opened };
}

describe('KeyedBatcher bounds: memory a caller can grow', () => {
  it('refuses beyond its per-key bound at once, with a stable code, and takes calls again once drained', async () => {
    const g = gate();
    const b = new KeyedBatcher<number, number>(
      async (_k, items) => {
        await g.opened;
        return items;
      },
      2,
      { maxPendingPerKey: 5, maxPending: 100, timeoutMs: 5_000 },
    );
    const accepted = Array.from({ length: 5 }, (_, i) => b.submit('hot', i));
    const over = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => b.submit('hot', 100 + i)));
    expect(over.every((r) => r.status === 'rejected')).toBe(true);
    expect((over[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'BATCHER.OVERLOADED', scope: 'key' });
    // Another key is not starved by the hot one.
    const other = b.submit('cold', 7);
    g.open();
    expect(await Promise.all(accepted)).toEqual([0, 1, 2, 3, 4]);
    expect(await other).toBe(7);
    expect(b.pending).toBe(0);
    await expect(b.submit('hot', 9)).resolves.toBe(9);
  });

  it('refuses beyond its overall bound across keys: 10,000 distinct keys do not queue 10,000 items', async () => {
    const g = gate();
    const b = new KeyedBatcher<number, number>(
      async (_k, items) => {
        await g.opened;
        return items;
      },
      10,
      { maxPendingPerKey: 10, maxPending: 50, timeoutMs: 5_000 },
    );
    const all = Array.from({ length: 10_000 }, (_, i) => b.submit(`k${i}`, i));
    expect(b.pending).toBe(50);
    g.open();
    const settled = await Promise.allSettled(all);
    expect(settled.filter((r) => r.status === 'fulfilled')).toHaveLength(50);
    const refused = settled.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused).toHaveLength(9_950);
    expect(refused[0]?.reason).toMatchObject({ code: 'BATCHER.OVERLOADED', scope: 'total' });
    expect(b.pending).toBe(0);
  });

  it('fails the callers of a batch that outlives its timeout, aborts it, and the next batch still runs', async () => {
    const signals: AbortSignal[] = [];
    let calls = 0;
    const b = new KeyedBatcher<number, number>(
      (_k, items, signal) => {
        signals.push(signal as AbortSignal);
        // The first flush hangs (a stalled sidecar); the next ones answer.
        return ++calls === 1 ? new Promise<number[]>(() => {}) : Promise.resolve(items);
      },
      10,
      { maxPendingPerKey: 100, maxPending: 100, timeoutMs: 50 },
    );
    const started = Date.now();
    const stuck = await Promise.allSettled([b.submit('k', 1), b.submit('k', 2)]);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(stuck.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((stuck[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'BATCHER.TIMEOUT' });
    expect(signals[0]?.aborted).toBe(true);
    expect(b.pending).toBe(0);
    await expect(b.submit('k', 3)).resolves.toBe(3);
  });
});

describe('KeyedBatcher with more than one batch in flight per key', () => {
  it('sends the next batch while the first travels, never more than maxInFlightPerKey at once', async () => {
    let inFlight = 0;
    let most = 0;
    const batches: number[][] = [];
    const b = new KeyedBatcher<number, number>(
      async (_k, items) => {
        batches.push(items);
        most = Math.max(most, ++inFlight);
        await tick();
        inFlight--;
        return items.map((i) => i + 1);
      },
      10,
      { maxInFlightPerKey: 3 },
    );
    // Callers arriving over several turns of the event loop, as requests do.
    const answers: Promise<number>[] = [];
    for (let i = 0; i < 60; i++) {
      answers.push(b.submit('sku', i));
      if (i % 6 === 5) await new Promise((r) => setImmediate(r));
    }
    expect(await Promise.all(answers)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(most).toBe(3);
    expect(batches.flat().sort((x, y) => x - y)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(Math.max(...batches.map((x) => x.length))).toBeLessThanOrEqual(10);
    expect(b.pending).toBe(0);
  });

  it('folds the calls of one event-loop turn into one batch rather than a batch per call', async () => {
    const sizes: number[] = [];
    const b = new KeyedBatcher<number, number>(
      async (_k, items) => {
        sizes.push(items.length);
        await tick();
        return items;
      },
      100,
      { maxInFlightPerKey: 4 },
    );
    const first = b.submit('k', 0); // goes alone: the key was idle
    await Promise.resolve();
    const rest = Array.from({ length: 20 }, (_, i) => b.submit('k', i + 1)); // one turn, one free slot
    await Promise.all([first, ...rest]);
    expect(sizes).toEqual([1, 20]);
  });
});
