import { describe, expect, it } from 'vitest';
import { KeyedLock } from './keyed-lock';

const tick = () => new Promise((r) => setTimeout(r, 2));

describe('KeyedLock', () => {
  it('one holder per key, in arrival order; other keys go on meanwhile; nothing kept once released', async () => {
    const lock = new KeyedLock();
    const inside = new Map<string, number>();
    const order: string[] = [];
    let peak = 0;
    let otherKeyRanWhileAHeld = false;
    const work = async (key: string, label: string) => {
      const release = await lock.acquire(key);
      try {
        inside.set(key, (inside.get(key) ?? 0) + 1);
        peak = Math.max(peak, inside.get(key) ?? 0);
        if (key === 'b' && (inside.get('a') ?? 0) > 0) otherKeyRanWhileAHeld = true;
        order.push(label);
        await tick();
        inside.set(key, (inside.get(key) ?? 0) - 1);
      } finally {
        release();
        release(); // twice: must not hand the lock to two waiters
      }
    };
    await Promise.all([work('a', 'a1'), work('a', 'a2'), work('b', 'b1'), work('a', 'a3'), work('a', 'a4')]);
    expect(peak).toBe(1);
    expect(order.filter((l) => l.startsWith('a'))).toEqual(['a1', 'a2', 'a3', 'a4']);
    expect(otherKeyRanWhileAHeld).toBe(true);
    expect(lock.isHeld('a') || lock.isHeld('b')).toBe(false);
  });

  it('says whether a key is held, until its last waiter has released it', async () => {
    const lock = new KeyedLock();
    expect(lock.isHeld('k')).toBe(false);
    const release = await lock.acquire('k');
    expect(lock.isHeld('k')).toBe(true);
    const second = lock.acquire('k');
    const third = lock.acquire('k');
    release();
    (await second)();
    expect(lock.isHeld('k')).toBe(true); // third holds it now
    (await third)();
    expect(lock.isHeld('k')).toBe(false);
  });
});
