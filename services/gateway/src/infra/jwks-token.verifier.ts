import { DomainError } from '@dbcarts/errors';
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
  /** Told when a refetch fails while the last good key set keeps serving. */
  onRefreshError?: (err: unknown) => void;
}

/** No key set was ever fetched, so no token can be checked: the caller should retry, not sign in again. */
export class JwksUnavailableError extends DomainError {
  readonly code = 'AUTH.KEYS_UNAVAILABLE';
  readonly kind = 'unavailable';
  constructor() {
    super('Sign-in keys are not available yet; retry shortly', { retryAfterSeconds: 1 });
  }
}

/**
 * Verifies access tokens against the users service's JWKS, cached and refreshed on a timer and on an
 * unknown `kid` (key rotation), at most once per 10 s. Algorithm, issuer, audience and expiry are
 * pinned: `alg: none` and HS/RS confusion cannot pass.
 *
 * A failed refetch (users service restarting) never takes the key set away: the last good one keeps
 * serving, a stale set is refreshed in the background, and concurrent refetches share one fetch.
 */
export class JwksTokenVerifier {
  private keySet?: ReturnType<typeof createLocalJWKSet>;
  /** When the last fetch was STARTED, good or not: failures back off like successes. */
  private triedAt = 0;
  private inFlight?: Promise<boolean>;
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
    await this.ensureKeys();
    let checked: Principal & { exp: number };
    try {
      checked = await this.check(token);
    } catch (e) {
      const unknownKey = (e as { code?: string }).code === 'ERR_JWKS_NO_MATCHING_KEY';
      if (!unknownKey || !(await this.refetchForUnknownKid())) throw e;
      checked = await this.check(token);
    }
    if (this.verified.size >= 50_000) this.verified.clear();
    const { exp, ...principal } = checked;
    this.verified.set(token, { principal, exp });
    return principal;
  }

  private async check(token: string): Promise<Principal & { exp: number }> {
    if (!this.keySet) throw new JwksUnavailableError();
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

  /**
   * Without any key set the request waits for a fetch (and fails with JwksUnavailableError when it
   * fails). With one, a due refresh runs in the background: no request waits on it or fails with it.
   */
  private async ensureKeys(): Promise<void> {
    if (!this.keySet) {
      // Retried at most once a second: soon after the users service is up, yet a flood of requests
      // while it is down costs it one call a second, not one each.
      if (!this.inFlight && Date.now() - this.triedAt > Math.min(this.minRefetchMs, 1_000)) this.refetch();
      await this.inFlight;
      if (!this.keySet) throw new JwksUnavailableError();
      return;
    }
    if (!this.inFlight && Date.now() - this.triedAt > (this.opts.refreshMs ?? 300_000)) this.refetch();
  }

  /** An unknown `kid` may be a rotated key: refetch (at most once per minRefetchMs) and say whether a set arrived. */
  private async refetchForUnknownKid(): Promise<boolean> {
    if (this.inFlight) return this.inFlight;
    if (Date.now() - this.triedAt <= this.minRefetchMs) return false;
    return this.refetch();
  }

  /** Starts one fetch; every caller until it settles shares it. Resolves true when a new set was stored. */
  private refetch(): Promise<boolean> {
    this.triedAt = Date.now();
    const run = this.opts.fetchJwks().then(
      (jwks) => {
        this.keySet = createLocalJWKSet(jwks as JSONWebKeySet);
        return true;
      },
      (err: unknown) => {
        this.opts.onRefreshError?.(err);
        return false;
      },
    );
    this.inFlight = run.finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private get minRefetchMs(): number {
    return this.opts.minRefetchMs ?? 10_000;
  }
}
