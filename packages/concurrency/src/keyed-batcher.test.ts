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
