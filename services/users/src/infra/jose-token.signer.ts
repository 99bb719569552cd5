import { exportJWK, importJWK, type JWK, SignJWT } from 'jose';
import type { AccessClaims, TokenSignerPort } from '../app/ports/auth.ports';

export const ACCESS_AUDIENCE = 'dbcarts-api';

type SigningKey = Awaited<ReturnType<typeof importJWK>>;

/**
 * Access tokens: ES256 JWTs signed with a key from the secret store, short-lived (refresh tokens
 * carry sessions). The JWKS publishes only the public half, under the key's `kid`, so rotation is
 * adding a key before signing with it.
 */
export class JoseTokenSigner implements TokenSignerPort {
  private constructor(
    private readonly key: SigningKey,
    private readonly kid: string,
    private readonly publicJwk: JWK,
    readonly issuer: string,
    private readonly ttlSeconds: number,
  ) {}

  static async fromJwk(privateJwkJson: string, issuer: string, ttlSeconds: number): Promise<JoseTokenSigner> {
    const jwk = JSON.parse(privateJwkJson) as JWK;
    if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.d || !jwk.kid) {
      throw new Error('jwt-signing-key must be a private P-256 EC JWK with a kid');
    }
    const key = await importJWK(jwk, 'ES256');
    const { d: _d, ...pub } = jwk;
    const publicJwk = { ...(await exportJWK(await importJWK(pub, 'ES256'))), kid: jwk.kid, alg: 'ES256', use: 'sig' };
    return new JoseTokenSigner(key, jwk.kid, publicJwk, issuer, ttlSeconds);
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

  async jwks(): Promise<{ keys: object[] }> {
    return { keys: [this.publicJwk] };
  }
}
