import type { ClientMetadata } from 'oidc-provider';
import { describe, expect, it } from 'vitest';
import { STOREFRONT_CLIENT_ID, withStorefront } from './oidc-provider.factory';

const partner: ClientMetadata = {
  client_id: 'dbcarts-partner',
  client_secret: 'x'.repeat(43),
  grant_types: ['client_credentials'],
  redirect_uris: [],
};

describe('the storefront client (dbcarts-storefront) signs in at the gateway origin', () => {
  it('adds <issuer>/callback to a configured client, keeping its other redirects and settings', () => {
    const configured: ClientMetadata = {
      client_id: STOREFRONT_CLIENT_ID,
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      redirect_uris: ['http://127.0.0.1:3000/callback'],
      scope: 'openid api',
    };
    const out = withStorefront([configured, partner], 'http://127.0.0.1:8080/');
    expect(out).toHaveLength(2);
    expect(out[0]).toEqual({
      ...configured,
      redirect_uris: ['http://127.0.0.1:3000/callback', 'http://127.0.0.1:8080/callback'],
    });
    expect(out[1]).toBe(partner);
    // Already there: nothing added twice.
    expect(withStorefront(out, 'http://127.0.0.1:8080')[0]?.redirect_uris).toHaveLength(2);
  });

  it('registers the client when the list lacks it: public (no secret), code + refresh, PKCE by the provider', () => {
    const out = withStorefront([partner], 'https://shop.example');
    expect(out).toHaveLength(2);
    const client = out.find((c) => c.client_id === STOREFRONT_CLIENT_ID);
    expect(client).toMatchObject({
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: ['https://shop.example/callback'],
    });
    expect(client?.client_secret).toBeUndefined();
  });
});
