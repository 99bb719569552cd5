import { generateKeyPairSync } from 'node:crypto';
import { createHttpApp } from '@dbcarts/http';
import { createLogger } from '@dbcarts/logging';
import { exportJWK, SignJWT } from 'jose';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { JwksTokenVerifier } from '../infra/jwks-token.verifier';
import { authenticate } from './auth.middleware';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const token = () =>
  new SignJWT({ roles: ['customer'], sid: 's1' })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' })
    .setSubject('u1')
    .setIssuer('iss')
    .setAudience('dbcarts-api')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(privateKey);

function appWith(fetchJwks: () => Promise<{ keys: object[] }>) {
  const verifier = new JwksTokenVerifier({ issuer: 'iss', audience: 'dbcarts-api', fetchJwks, refreshMs: 0 });
  return createHttpApp({
    service: 'test',
    logger: createLogger('test', 'silent'),
    routes: (a) => a.get('/me', authenticate(verifier, 'customer'), (_req, res) => void res.json({ ok: true })),
  });
}

describe('authenticate while the users service is unreachable', () => {
  it('answers 503 AUTH.KEYS_UNAVAILABLE with Retry-After (not 401) when no key set was ever fetched', async () => {
    const app = appWith(() => Promise.reject(new Error('connection refused')));
    const res = await request(app)
      .get('/me')
      .set('authorization', `Bearer ${await token()}`);
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.code).toBe('AUTH.KEYS_UNAVAILABLE');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('keeps admitting valid tokens with the last good key set once the refetch starts failing', async () => {
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
    let up = true;
    const app = appWith(() => (up ? Promise.resolve({ keys: [jwk] }) : Promise.reject(new Error('restarting'))));
    expect(
      (
        await request(app)
          .get('/me')
          .set('authorization', `Bearer ${await token()}`)
      ).status,
    ).toBe(200);
    up = false;
    for (let i = 0; i < 3; i++) {
      expect(
        (
          await request(app)
            .get('/me')
            .set('authorization', `Bearer ${await token()}`)
        ).status,
      ).toBe(200);
    }
  });
});
