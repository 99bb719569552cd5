import { inject, injectable } from 'tsyringe';
import { activeSessions, type SessionView, SessionNotFoundError } from '../domain/session';
import type { SessionStorePort } from './ports/auth.ports';
import { USERS } from './users.tokens';

/** A customer's own sessions ("signed in on these devices"): list them, sign one out. */
@injectable()
export class ManageSessionsUseCase {
  constructor(@inject(USERS.Sessions) private readonly sessions: SessionStorePort) {}

  async list(userId: string, currentSessionId: string): Promise<SessionView[]> {
    return activeSessions(await this.sessions.listForUser(userId), userId, currentSessionId, Date.now());
  }

  /** Someone else's session, or one that is gone, is the same 404: ids tell nobody anything. */
  async revoke(userId: string, sessionId: string): Promise<void> {
    const session = await this.sessions.get(sessionId);
    if (!session || session.userId !== userId || session.revoked) throw new SessionNotFoundError();
    await this.sessions.put({ ...session, revoked: true });
  }
}
