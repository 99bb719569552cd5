import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';

export interface Principal {
  sub: string;
  roles: string[];
  sid: string;
}

export interface VerifierOptions {
  issuer: string;
  audience: string;
  /** Where the key set comes from (the users service, through the sidecar). */
  fetchJwks: () => Promise<{ keys: object[] }>;
  refreshMs?: number;
}

/**
 * Verifies access tokens against the users service's JWKS, cached and refreshed on a timer and on an
 * unknown `kid` (key rotation), at most once per 10 s. Algorithm, issuer, audience and expiry are
 * pinned: `alg: none` and HS/RS confusion cannot pass.
 */
export class JwksTokenVerifier {
  private keySet?: ReturnType<typeof createLocalJWKSet>;
  private fetchedAt = 0;

  constructor(private readonly opts: VerifierOptions) {}

  async verify(token: string): Promise<Principal> {
    await this.ensureKeys(false);
    try {
      return await this.check(token);
    } catch (e) {
      if ((e as { code?: string }).code === 'ERR_JWKS_NO_MATCHING_KEY' && (await this.ensureKeys(true)))
        return this.check(token);
      throw e;
    }
  }

  private async check(token: string): Promise<Principal & { exp: number }> {
    if (!this.keySet) throw new Error('no key set');
    const { payload } = await jwtVerify(token, this.keySet, {
      algorithms: ['ES256'],
      issuer: this.opts.issuer,
      audience: this.opts.audience,
      requiredClaims: ['sub', 'exp', 'iat'],
      typ: 'at+jwt',
    });
    const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [];
    return {
      sub: payload.sub as string,
      roles,
      sid: typeof payload.sid === 'string' ? payload.sid : '',
      exp: payload.exp as number,
    };
  }

  /** True when it fetched a new set. */
  private async ensureKeys(force: boolean): Promise<boolean> {
    const age = Date.now() - this.fetchedAt;
    if (this.keySet && !(force ? age > 10_000 : age > (this.opts.refreshMs ?? 300_000))) return false;
    this.keySet = createLocalJWKSet((await this.opts.fetchJwks()) as JSONWebKeySet);
    this.fetchedAt = Date.now();
    return true;
  }
}
