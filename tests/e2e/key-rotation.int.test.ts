import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { startStack, type TestStack } from '@dbcarts/testing';
import { decodeProtectedHeader, importJWK, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A signing key rotation in progress: the secret holds { keys: [next, previous] }. The next key
// signs everything new; tokens the previous key signed before the rotation still verify.
const key = (): JWK => ({
  ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }),
  kid: randomUUID(),
  alg: 'ES256',
  use: 'sig',
});
const previous = key();
const next = key();

let stack: TestStack;
let gw: string;

beforeAll(async () => {
  stack = await startStack({
    apps: ['users', 'gateway'],
    secrets: { 'jwt-signing-key': JSON.stringify({ keys: [next, previous] }) },
  });
  gw = stack.appUrl('gateway');
});
afterAll(() => stack?.stop());

const post = async (path: string, body: unknown) =>
  fetch(`${gw}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('signing key rotation', () => {
  it('publishes both keys, signs new tokens with the first, and still accepts tokens of the previous one', async () => {
    const jwks = (await (await fetch(`${gw}/oidc/jwks`)).json()) as { keys: JWK[] };
    expect(jwks.keys.map((k) => k.kid).sort()).toEqual([next.kid, previous.kid].sort());
    expect(jwks.keys.every((k) => k.d === undefined)).toBe(true);

    const email = `${stack.uniqueId('rot').toLowerCase()}@example.test`;
    const user = (await (
      await post('/api/auth/register', { email, password: 'correct horse 1', name: 'Ro' })
    ).json()) as {
      id: string;
    };
    const login = (await (await post('/api/auth/login', { email, password: 'correct horse 1' })).json()) as {
      accessToken: string;
    };
    expect(decodeProtectedHeader(login.accessToken).kid).toBe(next.kid);

    const partner = (
      JSON.parse(stack.secrets['oidc-clients'] as string) as { client_id: string; client_secret?: string }[]
    ).find((c) => c.client_id === 'dbcarts-partner');
    const cc = await fetch(`${gw}/oidc/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`dbcarts-partner:${partner?.client_secret}`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials&scope=api',
    });
    expect(decodeProtectedHeader(((await cc.json()) as { access_token: string }).access_token).kid).toBe(next.kid);

    // A token the previous key signed before the rotation (still within its lifetime).
    const old = await new SignJWT({ roles: ['customer'], email, sid: '' })
      .setProtectedHeader({ alg: 'ES256', kid: previous.kid as string, typ: 'at+jwt' })
      .setSubject(user.id)
      .setIssuer(gw)
      .setAudience('dbcarts-api')
      .setIssuedAt()
      .setExpirationTime('2m')
      .sign(await importJWK(previous, 'ES256'));
    const me = await fetch(`${gw}/api/me`, { headers: { authorization: `Bearer ${old}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { email: string }).email).toBe(email);
  });
});
