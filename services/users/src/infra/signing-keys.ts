import type { JWK } from 'jose';

/**
 * The token signing keys from the secret store: one private P-256 JWK, or a JWKS `{ keys: [...] }`
 * for a rotation: the FIRST key signs, every key is published in the JWKS so tokens signed with
 * the previous one keep verifying until they expire. Rotating: put the new key first, roll the
 * users service; drop the old key once its tokens are gone (access tokens 5 min, ID tokens 1 h).
 */
export function parseSigningKeys(secret: string): [JWK, ...JWK[]] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secret);
  } catch {
    throw new Error('jwt-signing-key is not JSON (a private P-256 JWK, or { "keys": [...] })');
  }
  const keys = (isKeySet(parsed) ? parsed.keys : [parsed]) as JWK[];
  const kids = new Set<string>();
  for (const jwk of keys) {
    if (jwk?.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.d || !jwk.kid) {
      throw new Error('jwt-signing-key must hold private P-256 EC JWKs, each with a kid');
    }
    if (kids.has(jwk.kid)) throw new Error(`jwt-signing-key holds the kid ${jwk.kid} twice`);
    kids.add(jwk.kid);
  }
  const [first, ...rest] = keys;
  if (!first) throw new Error('jwt-signing-key holds no key');
  return [first, ...rest];
}

const isKeySet = (v: unknown): v is { keys: unknown[] } =>
  typeof v === 'object' && v !== null && Array.isArray((v as { keys?: unknown }).keys);
