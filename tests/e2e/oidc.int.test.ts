import { randomBytes } from 'node:crypto';
import { startStack, type TestStack } from '@dbcarts/testing';
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authQuery,
  Browser,
  exchangeCode,
  openSignIn,
  pkce,
  STOREFRONT as CLIENT,
  STOREFRONT_REDIRECT as REDIRECT,
  signIn,
  token as tokenAt,
} from '../support/oidc-browser';

const PASSWORD = 'correct horse 1';

let stack: TestStack;
let gw: string;
let keys: ReturnType<typeof createLocalJWKSet>;

beforeAll(async () => {
  stack = await startStack({ apps: ['users', 'gateway'] });
  gw = stack.appUrl('gateway');
  keys = createLocalJWKSet((await (await fetch(`${gw}/oidc/jwks`)).json()) as JSONWebKeySet);
});
afterAll(() => stack?.stop());

async function register(): Promise<{ id: string; email: string }> {
  const email = `${stack.uniqueId('oidc').toLowerCase()}@example.test`;
  const res = await fetch(`${gw}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD, name: 'Oona' }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; email: string };
}

/** Walks the browser part of the authorization-code flow; returns the callback URL. */
async function authorize(email: string, challenge: string, state: string, nonce: string): Promise<URL> {
  const browser = new Browser(gw);
  const action = await openSignIn(browser, authQuery(challenge, { state, nonce }));
  const post = (password: string) => signIn(browser, action, email, password);
  const wrong = await post('not my password');
  expect(wrong.status).toBe(401);
  expect(await wrong.text()).toContain('Email or password is wrong');
  const done = await browser.follow(await post(PASSWORD));
  if (!(done instanceof URL)) throw new Error(`flow ended at ${done.status} ${await done.text()}`);
  return done;
}

const token = (form: Record<string, string>, basic?: string) => tokenAt(gw, form, basic);
const exchange = (code: string, verifier: string) => exchangeCode(gw, code, verifier);

const apiToken = (t: string) =>
  jwtVerify(t, keys, { algorithms: ['ES256'], issuer: gw, audience: 'dbcarts-api', typ: 'at+jwt' });

describe('OpenID Connect provider (oidc-provider) through the gateway', () => {
  it('publishes discovery at the root with endpoints under /oidc, S256 PKCE and the shared JWKS', async () => {
    const d = (await (await fetch(`${gw}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(d.issuer).toBe(gw);
    expect(d.authorization_endpoint).toBe(`${gw}/oidc/auth`);
    expect(d.token_endpoint).toBe(`${gw}/oidc/token`);
    expect(d.jwks_uri).toBe(`${gw}/oidc/jwks`);
    expect(d.code_challenge_methods_supported).toEqual(['S256']);
    expect(d.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'client_credentials']));
    // The first-party login's tokens verify against the same keys.
    const user = await register();
    const login = await fetch(`${gw}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: user.email, password: PASSWORD }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    expect((await apiToken(accessToken)).payload.sub).toBe(user.id);
  });

  it('walks authorization code + PKCE: sign-in page, code, tokens verified against the JWKS, API access', async () => {
    const user = await register();
    const { verifier, challenge } = pkce();
    const state = randomBytes(8).toString('hex');
    const nonce = randomBytes(8).toString('hex');
    const callback = await authorize(user.email, challenge, state, nonce);
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT);
    expect(callback.searchParams.get('state')).toBe(state);
    expect(callback.searchParams.get('iss')).toBe(gw);
    const code = callback.searchParams.get('code') as string;

    const tokens = await exchange(code, verifier);
    expect(tokens.status).toBe(200);
    expect(tokens.body.token_type).toBe('Bearer');
    const at = await apiToken(tokens.body.access_token as string);
    expect(at.payload).toMatchObject({ sub: user.id, client_id: CLIENT, roles: ['customer'], scope: 'api' });
    const id = await jwtVerify(tokens.body.id_token as string, keys, { issuer: gw, audience: CLIENT });
    expect(id.payload).toMatchObject({ sub: user.id, nonce, email: user.email });

    const me = await fetch(`${gw}/api/me`, { headers: { authorization: `Bearer ${tokens.body.access_token}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { email: string }).email).toBe(user.email);

    // A code works once: replaying it is refused and revokes what it issued (the refresh token).
    expect((await exchange(code, verifier)).body.error).toBe('invalid_grant');
    const refreshed = await token({
      grant_type: 'refresh_token',
      refresh_token: tokens.body.refresh_token as string,
      client_id: CLIENT,
    });
    expect(refreshed.body.error).toBe('invalid_grant');
  });

  it('refuses a code without the right PKCE verifier, and an authorization request without PKCE', async () => {
    const user = await register();
    const { challenge } = pkce();
    const callback = await authorize(user.email, challenge, 's', 'n');
    const wrong = await exchange(callback.searchParams.get('code') as string, pkce().verifier);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe('invalid_grant');

    const qs = new URLSearchParams({
      client_id: CLIENT,
      response_type: 'code',
      redirect_uri: REDIRECT,
      scope: 'openid',
    });
    const noPkce = await new Browser(gw).go(`/oidc/auth?${qs}`);
    const to = new URL(noPkce.headers.get('location') ?? '', gw);
    expect(to.searchParams.get('error')).toBe('invalid_request');
    expect(to.searchParams.get('error_description')).toMatch(/PKCE/);
  });

  it('one code, 12 concurrent exchanges: exactly one gets tokens (one-time use holds under a race)', async () => {
    const user = await register();
    const { verifier, challenge } = pkce();
    const code = (await authorize(user.email, challenge, 's', 'n')).searchParams.get('code') as string;
    const results = await Promise.all(Array.from({ length: 12 }, () => exchange(code, verifier)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 400 && r.body.error === 'invalid_grant')).toHaveLength(11);
  });

  it('rotates refresh tokens: the new one works, the spent one is refused', async () => {
    const user = await register();
    const { verifier, challenge } = pkce();
    const code = (await authorize(user.email, challenge, 's', 'n')).searchParams.get('code') as string;
    const first = (await exchange(code, verifier)).body;
    expect(first.refresh_token).toEqual(expect.any(String));
    const refresh = (rt: string) => token({ grant_type: 'refresh_token', refresh_token: rt, client_id: CLIENT });
    const second = await refresh(first.refresh_token as string);
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    expect((await apiToken(second.body.access_token as string)).payload.sub).toBe(user.id);
    expect((await refresh(first.refresh_token as string)).body.error).toBe('invalid_grant');
  });

  it('issues client-credentials tokens to a partner: verified, no customer role, wrong secret refused', async () => {
    const partner = (
      JSON.parse(stack.secrets['oidc-clients'] as string) as { client_id: string; client_secret?: string }[]
    ).find((c) => c.client_id === 'dbcarts-partner');
    expect(partner?.client_secret).toBeTruthy();
    const cc = await token(
      { grant_type: 'client_credentials', scope: 'api' },
      `dbcarts-partner:${partner?.client_secret}`,
    );
    expect(cc.status).toBe(200);
    const at = await apiToken(cc.body.access_token as string);
    expect(at.payload).toMatchObject({ client_id: 'dbcarts-partner', roles: [], scope: 'api' });
    expect(cc.body.refresh_token).toBeUndefined();
    // A partner is not a customer: customer routes answer 403, not someone's profile.
    const me = await fetch(`${gw}/api/me`, { headers: { authorization: `Bearer ${cc.body.access_token}` } });
    expect(me.status).toBe(403);

    const bad = await token(
      { grant_type: 'client_credentials', scope: 'api' },
      'dbcarts-partner:not-the-secret-at-all',
    );
    expect(bad.status).toBe(401);
    expect(bad.body.error).toBe('invalid_client');
  });

  it('throttles the sign-in form like /api/auth/login: one budget of failures per account', async () => {
    const user = await register();
    const browser = new Browser(gw);
    const action = await openSignIn(browser, authQuery(pkce().challenge));
    const attempt = (password: string) => signIn(browser, action, user.email, password);
    for (let n = 0; n < 5; n++) expect((await attempt(`wrong ${n}`)).status).toBe(401);
    // Five more through the first-party login: the same account's budget.
    for (let n = 0; n < 5; n++) {
      const res = await fetch(`${gw}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: user.email, password: `wrong again ${n}` }),
      });
      expect(res.status).toBe(401);
    }
    const blocked = await attempt(PASSWORD);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('relays only the provider: internal users routes are not reachable under /oidc', async () => {
    for (const path of ['/oidc/../users/x', '/oidc/reg', '/oidc/interaction/x/../../users', '/oidc/%2e%2e/users/x']) {
      const res = await fetch(`${gw}${path}`);
      expect(res.status, path).toBe(404);
    }
  });
});
