import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';

export interface DevSecretsOptions {
  adminEmail?: string;
  adminPassword?: string;
}

/**
 * The secrets a local stack reads through Dapr's local.file secret store: the admin account, the
 * access-token signing key (a private P-256 JWK), the OIDC clients and cookie keys, webhook secrets.
 * Generated, never committed.
 */
export function generateDevSecrets(opts: DevSecretsOptions = {}): Record<string, string> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'ES256', use: 'sig' };
  return {
    'admin-email': opts.adminEmail ?? 'admin@dbcarts.local',
    'admin-password': opts.adminPassword ?? randomBytes(18).toString('base64url'),
    'jwt-signing-key': JSON.stringify(jwk),
    'payments-webhook-secret': randomBytes(32).toString('base64url'),
    'oidc-cookie-keys': randomBytes(32).toString('base64url'),
    'oidc-clients': JSON.stringify(devOidcClients()),
    ...devPaymentSecrets(),
  };
}

/**
 * Payment providers. API credentials cannot be generated: they stay empty (that provider is off,
 * 422 PAYMENT.PROVIDER_UNSUPPORTED) until a developer puts sandbox keys in .dev/secrets.json. Webhook
 * signing secrets are generated, so signed test notifications verify locally.
 */
function devPaymentSecrets(): Record<string, string> {
  return {
    'stripe-secret-key': '',
    'stripe-webhook-secret': `whsec_${randomBytes(24).toString('base64url')}`,
    'paypal-client-id': '',
    'paypal-client-secret': '',
    'paypal-webhook-id': '',
    'adyen-api-key': '',
    'adyen-merchant-account': '',
    'adyen-hmac-key': randomBytes(32).toString('hex').toUpperCase(),
  };
}

/**
 * The storefront (a public client: authorization code + PKCE, refresh tokens, redirect to the local
 * web app) and a partner integration (a confidential client: client credentials for the API).
 */
function devOidcClients(): object[] {
  return [
    {
      client_id: 'dbcarts-storefront',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: ['http://127.0.0.1:3000/callback', 'http://localhost:3000/callback'],
      scope: 'openid offline_access email profile api',
    },
    {
      client_id: 'dbcarts-partner',
      client_secret: randomBytes(32).toString('base64url'),
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: 'api',
    },
  ];
}
