import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';

export interface DevSecretsOptions {
  adminEmail?: string;
  adminPassword?: string;
}

/**
 * The secrets a local stack reads through Dapr's local.file secret store: the admin account, the
 * access-token signing key (a private P-256 JWK) and webhook secrets. Generated, never committed.
 */
export function generateDevSecrets(opts: DevSecretsOptions = {}): Record<string, string> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'ES256', use: 'sig' };
  return {
    'admin-email': opts.adminEmail ?? 'admin@dbcarts.local',
    'admin-password': opts.adminPassword ?? randomBytes(18).toString('base64url'),
    'jwt-signing-key': JSON.stringify(jwk),
    'payments-webhook-secret': randomBytes(32).toString('base64url'),
  };
}
