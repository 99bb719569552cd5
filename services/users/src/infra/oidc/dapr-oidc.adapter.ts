import type { Sidecar } from '@dbcarts/dapr';
import { type Adapter, type AdapterPayload, errors } from 'oidc-provider';

const STORE = 'statestore';
// Longest-lived artefact of a grant (refresh tokens, 30 days): a revocation marker must outlive it.
const REVOKED_GRANT_TTL_S = 31 * 24 * 3600;

const nowS = () => Math.floor(Date.now() / 1000);

/**
 * oidc-provider's storage (sessions, interactions, codes, refresh tokens, grants) in the Dapr state
 * store, with the store's TTL doing the expiry: every users instance shares it, and swapping Redis
 * for MariaDB/PostgreSQL is a component change. Lookups are by key only (no scans, no indexes the
 * store would need): uid and user-code lookups use a pointer key written with the record, and
 * revoking a grant leaves a marker that `find` honours for every token of that grant.
 */
export class DaprOidcAdapter implements Adapter {
  constructor(
    private readonly sidecar: Sidecar,
    private readonly model: string,
  ) {}

  private key(id: string): string {
    return `oidc:${this.model}:${id}`;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    const ttlSeconds = expiresIn > 0 ? Math.ceil(expiresIn) : undefined;
    const entries = [{ key: this.key(id), value: payload, ttlSeconds }];
    if (payload.uid) entries.push({ key: this.key(`uid:${payload.uid}`), value: { id }, ttlSeconds });
    if (payload.userCode) entries.push({ key: this.key(`user-code:${payload.userCode}`), value: { id }, ttlSeconds });
    await this.sidecar.saveState(STORE, entries);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const payload = await this.sidecar.getState<AdapterPayload>(STORE, this.key(id));
    if (!payload || (payload.exp && payload.exp <= nowS())) return undefined;
    if (payload.grantId && this.model !== 'Grant') {
      const revoked = await this.sidecar.getState(STORE, revokedGrantKey(payload.grantId));
      if (revoked) return undefined;
    }
    return payload;
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const ref = await this.sidecar.getState<{ id: string }>(STORE, this.key(`uid:${uid}`));
    return ref ? this.find(ref.id) : undefined;
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const ref = await this.sidecar.getState<{ id: string }>(STORE, this.key(`user-code:${userCode}`));
    return ref ? this.find(ref.id) : undefined;
  }

  /**
   * Marks a one-time artefact (authorization code, rotated refresh token) used. Conditional on the
   * version read, so of two concurrent exchanges of one code exactly one consumes it and the other
   * is answered invalid_grant (a later replay is caught by oidc-provider itself, which revokes).
   */
  async consume(id: string): Promise<void> {
    const current = await this.sidecar.getStateVersioned<AdapterPayload>(STORE, this.key(id));
    if (!current || current.value.consumed) throw new errors.InvalidGrant('grant already used');
    const ttlSeconds = current.value.exp ? Math.max(1, current.value.exp - nowS()) : undefined;
    const won = await this.sidecar.saveStateIfMatch(STORE, {
      key: this.key(id),
      value: { ...current.value, consumed: nowS() },
      etag: current.etag,
      ttlSeconds,
    });
    if (!won) throw new errors.InvalidGrant('grant already used');
  }

  async destroy(id: string): Promise<void> {
    await this.sidecar.deleteState(STORE, this.key(id));
  }

  /**
   * Called once per token model of the grant; the marker is the same for all (idempotent). The
   * grant record itself is the provider's to destroy (its revokeGrantPolicy), not ours.
   */
  async revokeByGrantId(grantId: string): Promise<void> {
    await this.sidecar.saveState(STORE, [
      { key: revokedGrantKey(grantId), value: { revokedAt: nowS() }, ttlSeconds: REVOKED_GRANT_TTL_S },
    ]);
  }
}

const revokedGrantKey = (grantId: string) => `oidc:revoked-grant:${grantId}`;
