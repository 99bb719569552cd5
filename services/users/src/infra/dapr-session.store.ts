import type { Sidecar } from '@dbcarts/dapr';
import { DependencyUnavailableError } from '@dbcarts/errors';
import type { SessionStorePort } from '../app/ports/auth.ports';
import type { Session } from '../domain/session';

// A user's list keeps the newest sessions; older ones still work until they expire, unlisted.
const MAX_LISTED = 100;
const ttlOf = (s: Session) => Math.max(1, Math.ceil((s.expiresAt - Date.now()) / 1000));

/**
 * Sessions in the Dapr state store (Redis by default) with a TTL: no database round trip per
 * refresh. Each user has a list of session ids beside them (`user-sessions:<id>`), updated with
 * ETag-guarded writes so concurrent logins of one account never drop each other from it.
 */
export class DaprSessionStore implements SessionStorePort {
  constructor(
    private readonly sidecar: Sidecar,
    private readonly store = 'statestore',
  ) {}

  get(id: string): Promise<Session | undefined> {
    return this.sidecar.getState<Session>(this.store, `session:${id}`);
  }

  async put(s: Session): Promise<void> {
    await this.sidecar.saveState(this.store, [{ key: `session:${s.id}`, value: s, ttlSeconds: ttlOf(s) }]);
  }

  async create(s: Session): Promise<void> {
    await this.put(s);
    const key = `user-sessions:${s.userId}`;
    for (let attempt = 0; attempt < 20; attempt++) {
      const listed = await this.sidecar.getStateVersioned<{ ids: string[] }>(this.store, key);
      const ids = [...(listed?.value.ids ?? []).filter((id) => id !== s.id).slice(1 - MAX_LISTED), s.id];
      // Every session lives as long as the newest, so the list lives as long as its newest entry.
      const saved = await this.sidecar.saveStateIfMatch(this.store, {
        key,
        value: { ids },
        etag: listed?.etag,
        ttlSeconds: ttlOf(s),
      });
      if (saved) return;
    }
    throw new DependencyUnavailableError('session store', `could not list session ${s.id} under its user`);
  }

  async listForUser(userId: string): Promise<Session[]> {
    const listed = await this.sidecar.getState<{ ids: string[] }>(this.store, `user-sessions:${userId}`);
    const found = await this.sidecar.getBulkState<Session>(
      this.store,
      (listed?.ids ?? []).map((id) => `session:${id}`),
    );
    return [...found.values()];
  }
}
