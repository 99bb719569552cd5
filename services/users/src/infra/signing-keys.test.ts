import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseSigningKeys } from './signing-keys';

const key = () => ({
  ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }),
  kid: randomUUID(),
});

describe('parseSigningKeys', () => {
  it('takes one key, or a key set whose first key signs', () => {
    const a = key();
    const b = key();
    expect(parseSigningKeys(JSON.stringify(a)).map((k) => k.kid)).toEqual([a.kid]);
    expect(parseSigningKeys(JSON.stringify({ keys: [b, a] })).map((k) => k.kid)).toEqual([b.kid, a.kid]);
  });

  it('refuses public keys, other curves, missing or repeated kids, and an empty set', () => {
    const a = key();
    const { d: _d, ...pub } = a;
    const rsa = {
      ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
      kid: 'r',
    };
    for (const bad of [pub, rsa, { ...a, kid: undefined }, { keys: [a, a] }, { keys: [] }]) {
      expect(() => parseSigningKeys(JSON.stringify(bad))).toThrow(/jwt-signing-key/);
    }
    expect(() => parseSigningKeys('not json')).toThrow(/not JSON/);
  });
});
