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
  /** Fewest ms between refetches forced by an unknown `kid` (random kids must not hammer the users service). */
  minRefetchMs?: number;
}

/**
 * Verifies access tokens against the users service's JWKS, cached and refreshed on a timer and on an
 * unknown `kid` (key rotation), at most once per 10 s. Algorithm, issuer, audience and expiry are
 * pinned: `alg: none` and HS/RS confusion cannot pass.
 */
export class JwksTokenVerifier {
  private keySet?: ReturnType<typeof createLocalJWKSet>;
  private fetchedAt = 0;
  // A token's signature never changes: once verified it is remembered until it expires, so a
  // client's repeated requests cost one ES256 verification (~160 µs of CPU here), not one each.
  private readonly verified = new Map<string, { principal: Principal; exp: number }>();

  constructor(private readonly opts: VerifierOptions) {}

  /** A token verified before and not expired since, synchronously (the common case); else undefined. */
  cached(token: string): Principal | undefined {
    const hit = this.verified.get(token);
    return hit && hit.exp > Date.now() / 1000 ? hit.principal : undefined;
  }

  async verify(token: string): Promise<Principal> {
    const hit = this.cached(token);
    if (hit) return hit;
    await this.ensureKeys(false);
    let checked: Principal & { exp: number };
    try {
      checked = await this.check(token);
    } catch (e) {
      const unknownKey = (e as { code?: string }).code === 'ERR_JWKS_NO_MATCHING_KEY';
      if (!unknownKey || !(await this.ensureKeys(true))) throw e;
      checked = await this.check(token);
    }
    if (this.verified.size >= 50_000) this.verified.clear();
    const { exp, ...principal } = checked;
    this.verified.set(token, { principal, exp });
    return principal;
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
    if (this.keySet && !(force ? age > (this.opts.minRefetchMs ?? 10_000) : age > (this.opts.refreshMs ?? 300_000)))
      return false;
    this.keySet = createLocalJWKSet((await this.opts.fetchJwks()) as JSONWebKeySet);
    this.fetchedAt = Date.now();
    return true;
  }
}
