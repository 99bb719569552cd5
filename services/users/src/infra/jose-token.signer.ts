import { importJWK, type JWK, SignJWT } from 'jose';
import type { AccessClaims, TokenSignerPort } from '../app/ports/auth.ports';

export const ACCESS_AUDIENCE = 'dbcarts-api';

type SigningKey = Awaited<ReturnType<typeof importJWK>>;

/**
 * First-party access tokens: ES256 JWTs signed with a key from the secret store, short-lived
 * (refresh tokens carry sessions). The OIDC provider publishes the public halves of all current
 * keys (see parseSigningKeys for rotation); verifiers refetch the JWKS on an unknown `kid`, so a new
 * key takes over without restarting the gateways.
 */
export class JoseTokenSigner implements TokenSignerPort {
  private constructor(
    private readonly key: SigningKey,
    private readonly kid: string,
    readonly issuer: string,
    private readonly ttlSeconds: number,
  ) {}

  /** `jwk`: the current signing key (the first of parseSigningKeys). */
  static async fromJwk(jwk: JWK, issuer: string, ttlSeconds: number): Promise<JoseTokenSigner> {
    return new JoseTokenSigner(await importJWK(jwk, 'ES256'), jwk.kid as string, issuer, ttlSeconds);
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
