import { importJWK, type JWK, SignJWT } from 'jose';
import type { AccessClaims, TokenSignerPort } from '../app/ports/auth.ports';

export const ACCESS_AUDIENCE = 'dbcarts-api';

type SigningKey = Awaited<ReturnType<typeof importJWK>>;

/**
 * First-party access tokens: ES256 JWTs signed with a key from the secret store, short-lived
 * (refresh tokens carry sessions). The OIDC provider publishes the same key's public half in its
 * JWKS under the key's `kid`; verifiers refetch the JWKS on an unknown `kid`, so a new key (new
 * `kid`) takes over without a restart of the gateways. One key at a time for now: tokens signed
 * with the previous key stop verifying when it is replaced (at most the 5-minute token lifetime).
 */
export class JoseTokenSigner implements TokenSignerPort {
  private constructor(
    private readonly key: SigningKey,
    private readonly kid: string,
    readonly issuer: string,
    private readonly ttlSeconds: number,
  ) {}

  static async fromJwk(privateJwkJson: string, issuer: string, ttlSeconds: number): Promise<JoseTokenSigner> {
    const jwk = JSON.parse(privateJwkJson) as JWK;
    if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.d || !jwk.kid) {
      throw new Error('jwt-signing-key must be a private P-256 EC JWK with a kid');
    }
    return new JoseTokenSigner(await importJWK(jwk, 'ES256'), jwk.kid, issuer, ttlSeconds);
  }

  async sign(c: AccessClaims): Promise<{ token: string; expiresIn: number }> {
    const token = await new SignJWT({ email: c.email, roles: c.roles, sid: c.sid })
      .setProtectedHeader({ alg: 'ES256', kid: this.kid, typ: 'at+jwt' })
      .setSubject(c.sub)
      .setIssuer(this.issuer)
      .setAudience(ACCESS_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.key);
    return { token, expiresIn: this.ttlSeconds };
  }
}
