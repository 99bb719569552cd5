import type { Sidecar } from '@dbcarts/dapr';
import type { SessionStorePort } from '../app/ports/auth.ports';
import type { Session } from '../domain/session';

/** Sessions in the Dapr state store (Redis by default) with a TTL: no database round trip per refresh. */
export class DaprSessionStore implements SessionStorePort {
  constructor(
    private readonly sidecar: Sidecar,
    private readonly store = 'statestore',
  ) {}

  get(id: string): Promise<Session | undefined> {
    return this.sidecar.getState<Session>(this.store, `session:${id}`);
  }

  async put(s: Session): Promise<void> {
    const ttlSeconds = Math.max(1, Math.ceil((s.expiresAt - Date.now()) / 1000));
    await this.sidecar.saveState(this.store, [{ key: `session:${s.id}`, value: s, ttlSeconds }]);
  }
}
