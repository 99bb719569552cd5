import { generateKeyPairSync } from 'node:crypto';
import { exportJWK, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { JwksTokenVerifier } from './jwks-token.verifier';

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
