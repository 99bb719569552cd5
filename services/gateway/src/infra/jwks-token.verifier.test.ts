import { generateKeyPairSync } from 'node:crypto';
import { exportJWK, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { JwksTokenVerifier, JwksUnavailableError } from './jwks-token.verifier';

async function keyPair(kid: string) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256' } };
}

const token = (key: Parameters<SignJWT['sign']>[0], kid: string, aud = 'dbcarts-api') =>
  new SignJWT({ roles: ['customer'], sid: 's1' })
    .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' })
    .setSubject('u1')
    .setIssuer('iss')
    .setAudience(aud)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key);

describe('JwksTokenVerifier', () => {
  it('verifies once per token, picks up a rotated key, and refuses a wrong audience', async () => {
    const k1 = await keyPair('k1');
    const k2 = await keyPair('k2');
    let keys = [k1.jwk];
    let fetches = 0;
    const fetchJwks = async () => {
      fetches++;
      return { keys };
    };
    const v = new JwksTokenVerifier({ issuer: 'iss', audience: 'dbcarts-api', fetchJwks, minRefetchMs: 0 });

    const t1 = await token(k1.privateKey, 'k1');
    expect(await v.verify(t1)).toEqual({ sub: 'u1', roles: ['customer'], sid: 's1' });
    await v.verify(t1);
    expect(fetches).toBe(1);

    keys = [k1.jwk, k2.jwk]; // rotation: the new key is published, then used
    expect((await v.verify(await token(k2.privateKey, 'k2'))).sub).toBe('u1');
    expect(fetches).toBe(2);

    await expect(v.verify(await token(k1.privateKey, 'k1', 'someone-else'))).rejects.toThrow();
  });
});

describe('JwksTokenVerifier when the key set cannot be fetched', () => {
  const failing = () => Promise.reject(new Error('users service restarting'));

  it('keeps verifying with the last good key set when a periodic refetch fails', async () => {
    const k1 = await keyPair('k1');
    let fetch: () => Promise<{ keys: object[] }> = async () => ({ keys: [k1.jwk] });
    const v = new JwksTokenVerifier({
      issuer: 'iss',
      audience: 'dbcarts-api',
      fetchJwks: () => fetch(),
      refreshMs: 0, // every verification finds the set due for a refresh
      minRefetchMs: 0,
    });
    expect((await v.verify(await token(k1.privateKey, 'k1'))).sub).toBe('u1');
    fetch = failing;
    // Fresh tokens (not in the verified cache) signed with the known key still pass.
    for (let i = 0; i < 3; i++) expect((await v.verify(await token(k1.privateKey, 'k1'))).sub).toBe('u1');
    // An unknown kid cannot be checked against the old set: refused like any bad token, not a 503.
    const k9 = await keyPair('k9');
    const refused = await v.verify(await token(k9.privateKey, 'k9')).catch((e: unknown) => e);
    expect(refused).not.toBeInstanceOf(JwksUnavailableError);
    expect(refused).toBeInstanceOf(Error);
  });

  it('answers a 503-kind error (not an invalid token) when no key set was ever fetched', async () => {
    const k1 = await keyPair('k1');
    const v = new JwksTokenVerifier({ issuer: 'iss', audience: 'dbcarts-api', fetchJwks: failing, minRefetchMs: 0 });
    const e = await v.verify(await token(k1.privateKey, 'k1')).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(JwksUnavailableError);
    expect(e).toMatchObject({ kind: 'unavailable', code: 'AUTH.KEYS_UNAVAILABLE' });
  });

  it('collapses concurrent refetches into one: N verifications of an unknown kid, one fetch', async () => {
    const k1 = await keyPair('k1');
    const k2 = await keyPair('k2');
    let keys = [k1.jwk];
    let fetches = 0;
    const fetchJwks = async () => {
      fetches++;
      await new Promise((r) => setTimeout(r, 20));
      return { keys };
    };
    const v = new JwksTokenVerifier({ issuer: 'iss', audience: 'dbcarts-api', fetchJwks, minRefetchMs: 0 });
    await v.verify(await token(k1.privateKey, 'k1'));
    expect(fetches).toBe(1);
    keys = [k1.jwk, k2.jwk];
    const tokens = await Promise.all(Array.from({ length: 20 }, () => token(k2.privateKey, 'k2')));
    const principals = await Promise.all(tokens.map((t) => v.verify(t)));
    expect(principals.every((p) => p.sub === 'u1')).toBe(true);
    expect(fetches).toBe(2);
  });

  it('collapses concurrent first fetches into one as well', async () => {
    const k1 = await keyPair('k1');
    let fetches = 0;
    const fetchJwks = async () => {
      fetches++;
      await new Promise((r) => setTimeout(r, 20));
      return { keys: [k1.jwk] };
    };
    const v = new JwksTokenVerifier({ issuer: 'iss', audience: 'dbcarts-api', fetchJwks });
    const tokens = await Promise.all(Array.from({ length: 20 }, () => token(k1.privateKey, 'k1')));
    await Promise.all(tokens.map((t) => v.verify(t)));
    expect(fetches).toBe(1);
  });
});
