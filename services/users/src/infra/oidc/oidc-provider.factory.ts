import type { Sidecar } from '@dbcarts/dapr';
import { escapeHtml } from '@dbcarts/http';
import type { JWK } from 'jose';
import { type ClientMetadata, errors, Provider, type JWK as ProviderJwk } from 'oidc-provider';
import { z } from 'zod';
import type { UserRepositoryPort } from '../../app/ports/user.repository.port';
import { ACCESS_AUDIENCE } from '../jose-token.signer';
import { DaprOidcAdapter } from './dapr-oidc.adapter';

export interface OidcSettings {
  /** The public origin (the gateway): tokens' `iss`, and the base of every URL the provider prints. */
  issuer: string;
  /** The private P-256 JWKs (the first signs) shared with first-party tokens: one JWKS for all we issue. */
  signingKeys: [JWK, ...JWK[]];
  /** Registered clients (JSON array of client metadata, from the secret store). */
  clientsJson: string;
  /** Keys that sign the provider's cookies (newest first, so rotation keeps old cookies valid). */
  cookieKeys: string[];
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
}

/** The web storefront served by the gateway at / (web/storefront): a public client, PKCE, no secret. */
export const STOREFRONT_CLIENT_ID = 'dbcarts-storefront';

/**
 * The storefront signs in at the gateway's own origin (`<issuer>/callback`): that redirect URI is
 * always registered, and the client itself when the configured list lacks it (a secret store made
 * before the storefront existed). A configured entry keeps its other redirect URIs and settings.
 */
export function withStorefront(clients: ClientMetadata[], issuer: string): ClientMetadata[] {
  const callback = `${issuer.replace(/\/+$/, '')}/callback`;
  const existing = clients.find((c) => c.client_id === STOREFRONT_CLIENT_ID);
  if (existing) {
    const uris = existing.redirect_uris ?? [];
    return clients.map((c) =>
      c === existing && !uris.includes(callback) ? { ...c, redirect_uris: [...uris, callback] } : c,
    );
  }
  return [
    ...clients,
    {
      client_id: STOREFRONT_CLIENT_ID,
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [callback],
      scope: 'openid offline_access email profile api',
    },
  ];
}

/** The one API the provider issues access tokens for (RFC 8707 resource indicator). */
export const apiResource = (issuer: string) => `${issuer}/api`;
const API_SCOPE = 'api';

const ClientList = z
  .array(
    z.looseObject({
      client_id: z.string().min(3),
      client_secret: z.string().min(32).optional(),
      grant_types: z.array(z.enum(['authorization_code', 'refresh_token', 'client_credentials'])),
      redirect_uris: z.array(z.url()).default([]),
    }),
  )
  .min(1);

/**
 * The OpenID Connect provider (oidc-provider, certified): authorization code + PKCE, client
 * credentials, refresh tokens with rotation, JWKS; endpoints under /oidc, discovery at the root.
 * Access tokens are ES256 JWTs for the API (`aud` dbcarts-api, `typ` at+jwt), signed with the same
 * key as first-party logins, so the gateway verifies both with one key set.
 */
export function createOidcProvider(s: OidcSettings, sidecar: Sidecar, users: UserRepositoryPort): Provider {
  const resource = apiResource(s.issuer);
  const clients = withStorefront(ClientList.parse(JSON.parse(s.clientsJson)) as ClientMetadata[], s.issuer);
  const provider = new Provider(s.issuer, {
    adapter: (name: string) => new DaprOidcAdapter(sidecar, name),
    clients,
    clientDefaults: { id_token_signed_response_alg: 'ES256', token_endpoint_auth_method: 'client_secret_basic' },
    jwks: { keys: s.signingKeys as ProviderJwk[] },
    cookies: { keys: s.cookieKeys },
    scopes: ['openid', 'offline_access', 'email', 'profile', API_SCOPE],
    claims: { openid: ['sub'], email: ['email'], profile: ['name'] },
    async findAccount(_ctx, id) {
      const user = await users.findById(id);
      if (!user) return undefined;
      return { accountId: user.id, claims: async () => ({ sub: user.id, email: user.email, name: user.name }) };
    },
    // Roles travel in the access token as they do in first-party tokens; a client-credentials token
    // (a partner, no end user) carries none, so customer and admin routes stay closed to it.
    async extraTokenClaims(_ctx, token) {
      if (!('accountId' in token) || !token.accountId) return { roles: [] };
      const user = await users.findById(token.accountId);
      return { roles: user?.roles ?? [], email: user?.email };
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      introspection: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          if (indicator !== resource) throw new errors.InvalidTarget();
          return {
            scope: API_SCOPE,
            audience: ACCESS_AUDIENCE,
            accessTokenTTL: s.accessTokenTtlSeconds,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'ES256', kid: s.signingKeys[0].kid } },
          };
        },
      },
    },
    pkce: { required: () => true },
    issueRefreshToken: async (_ctx, client, code) =>
      client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    rotateRefreshToken: true,
    ttl: {
      AuthorizationCode: 60,
      Interaction: 600,
      Session: s.refreshTokenTtlSeconds,
      Grant: s.refreshTokenTtlSeconds,
      RefreshToken: s.refreshTokenTtlSeconds,
      IdToken: 3600,
      AccessToken: s.accessTokenTtlSeconds,
      ClientCredentials: s.accessTokenTtlSeconds,
    },
    interactions: { url: (_ctx, interaction) => `/oidc/interaction/${interaction.uid}` },
    routes: {
      authorization: '/oidc/auth',
      token: '/oidc/token',
      jwks: '/oidc/jwks',
      userinfo: '/oidc/me',
      end_session: '/oidc/session/end',
      revocation: '/oidc/token/revocation',
      introspection: '/oidc/token/introspection',
      backchannel_authentication: '/oidc/backchannel',
      code_verification: '/oidc/device',
      device_authorization: '/oidc/device/auth',
      pushed_authorization_request: '/oidc/request',
      registration: '/oidc/reg',
      challenge: '/oidc/challenge',
      credential: '/oidc/credential',
    },
    // Browser-facing errors: the OAuth error and its description, never a stack or internals.
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = `<!doctype html><meta charset="utf-8"><title>Sign-in error</title><h1>Sign-in error</h1><p>${escapeHtml(
        String(out.error),
      )}: ${escapeHtml(String(out.error_description ?? ''))}</p>`;
    },
  });
  // The provider sits behind the gateway: protocol from X-Forwarded-Proto, which our mount pins.
  provider.proxy = true;
  return provider;
}
