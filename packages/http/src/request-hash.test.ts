import { describe, expect, it } from 'vitest';
import { requestHash } from './request-hash';

describe('requestHash', () => {
  it('binds a key to the meaning of a request: key order does not count, values and route do', () => {
    const a = requestHash('POST /x', { b: [1, { d: 2, c: 3 }], a: 'y' });
    expect(requestHash('POST /x', { a: 'y', b: [1, { c: 3, d: 2 }] })).toBe(a);
    expect(requestHash('POST /x', { a: 'y', b: [{ c: 3, d: 2 }, 1] })).not.toBe(a); // array order counts
    expect(requestHash('POST /x', { a: 'z', b: [1, { c: 3, d: 2 }] })).not.toBe(a);
    expect(requestHash('POST /z', { a: 'y', b: [1, { c: 3, d: 2 }] })).not.toBe(a);
    expect(requestHash('POST /x', undefined)).toBe(requestHash('POST /x', null));
  });
});
