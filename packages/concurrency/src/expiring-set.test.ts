import { describe, expect, it } from 'vitest';
import { ExpiringSet } from './expiring-set';

describe('ExpiringSet', () => {
  it('forgets a key after its time', () => {
    let now = 1_000;
    const s = new ExpiringSet(100, 10, () => now);
    s.add('a');
    expect(s.has('a')).toBe(true);
    now += 99;
    expect(s.has('a')).toBe(true);
    now += 1;
    expect(s.has('a')).toBe(false);
    expect(s.size).toBe(0);
  });

  it('never holds more than its bound: 100,000 distinct keys leave the newest 1,000', () => {
    const s = new ExpiringSet(60_000, 1_000);
    for (let i = 0; i < 100_000; i++) s.add(`k${i}`);
    expect(s.size).toBe(1_000);
    expect(s.has('k99999')).toBe(true);
    expect(s.has('k99000')).toBe(true);
    expect(s.has('k98999')).toBe(false);
  });

  it('drops expired entries first when full, and a re-added key counts as new', () => {
    let now = 0;
    const s = new ExpiringSet(10, 3, () => now);
    s.add('old');
    now = 5;
    s.add('a');
    s.add('b');
    s.add('old'); // refreshed: now the newest
    now = 12;
    s.add('c'); // 'a' and 'b' are still live (until 15): 'a' goes, as the oldest
    expect([s.has('old'), s.has('a'), s.has('b'), s.has('c')]).toEqual([true, false, true, true]);
  });
});
