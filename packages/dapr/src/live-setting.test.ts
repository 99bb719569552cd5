import { describe, expect, it } from 'vitest';
import { liveValue } from './live-setting';

describe('liveValue parsers', () => {
  it('reads booleans strictly: anything but "true"/"false" is malformed (the last good value stays)', () => {
    expect(liveValue.boolean('true')).toBe(true);
    expect(liveValue.boolean('false')).toBe(false);
    for (const raw of ['TRUE', '1', 'yes', ' false']) expect(liveValue.boolean(raw)).toBeUndefined();
  });

  it('reads whole numbers within bounds only', () => {
    const hold = liveValue.intIn(1000, 86_400_000);
    expect(hold('2000')).toBe(2000);
    for (const raw of ['999', '86400001', '-5', '1e4', '2000.5', '0x10', '']) expect(hold(raw)).toBeUndefined();
  });
});
