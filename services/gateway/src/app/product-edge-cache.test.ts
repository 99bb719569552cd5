import { describe, expect, it } from 'vitest';
import { type EdgeEntry, ProductEdgeCache } from './product-edge-cache';

const entry = (v: string): EdgeEntry => ({ etag: `"${v}"`, body: Buffer.from(v) });

describe('ProductEdgeCache', () => {
  it('keeps its per-product epochs bounded however many ids are invalidated', () => {
    const cache = new ProductEdgeCache(100, 30_000);
    for (let i = 0; i < 50_000; i++) cache.invalidate(`id-${i}`);
    expect(cache.trackedEpochs).toBeLessThanOrEqual(100);
  });

  it('never stores a fill that started before an invalidation, even after its epoch was evicted', () => {
    const cache = new ProductEdgeCache(10, 30_000);
    const started = cache.epoch('hot');
    cache.invalidate('hot');
    for (let i = 0; i < 1_000; i++) cache.invalidate(`other-${i}`); // evicts 'hot' from the epoch map
    cache.put('hot', entry('old'), started);
    expect(cache.get('hot')).toBeUndefined();
    const fresh = cache.epoch('hot');
    cache.put('hot', entry('new'), fresh);
    expect(cache.get('hot')?.etag).toBe('"new"');
  });

  it('serves a fill that no invalidation overtook, and drops it on the next one', () => {
    const cache = new ProductEdgeCache(10, 30_000);
    cache.put('a', entry('v1'), cache.epoch('a'));
    expect(cache.get('a')?.etag).toBe('"v1"');
    cache.invalidate('a');
    expect(cache.get('a')).toBeUndefined();
  });

  it('expires entries after the TTL and evicts the least recently used past the size', () => {
    let now = 0;
    const cache = new ProductEdgeCache(2, 1_000, () => now);
    cache.put('a', entry('a'), cache.epoch('a'));
    cache.put('b', entry('b'), cache.epoch('b'));
    cache.get('a');
    cache.put('c', entry('c'), cache.epoch('c'));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    now = 2_000;
    expect(cache.get('a')).toBeUndefined();
  });
});
