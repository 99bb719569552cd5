import { DomainError } from '@dbcarts/errors';

/**
 * A login session and its refresh-token family. Each refresh rotates the token; presenting an
 * already-rotated token means it leaked (or a client raced itself): the whole family is revoked.
 */
export interface Session {
  id: string;
  userId: string;
  /** The id of the one refresh token of this family that is still valid. */
  currentTokenId: string;
  /** Ids this family handed out and rotated away; seeing one again is reuse. */
  rotated: string[];
  revoked: boolean;
  expiresAt: number;
  /** Epoch ms of the login, and of the last refresh (what a "your devices" page shows). */
  createdAt: number;
  lastUsedAt: number;
}

/** How a customer sees one of their sessions. */
export interface SessionView {
  id: string;
  createdAt: number;
  lastUsedAt: number;
  expiresAt: number;
  current: boolean;
}

/** The sessions a customer can still use, newest first; `current` is the one asking. */
export function activeSessions(sessions: Session[], userId: string, currentId: string, now: number): SessionView[] {
  return sessions
    .filter((s) => s.userId === userId && !s.revoked && s.expiresAt > now)
    .sort((a, b) => b.createdAt - a.createdAt)
    .map((s) => ({
      id: s.id,
      createdAt: s.createdAt,
      lastUsedAt: s.lastUsedAt,
      expiresAt: s.expiresAt,
      current: s.id === currentId,
    }));
}

export type RefreshCheck = { ok: true } | { ok: false; reason: 'unknown' | 'reused' | 'expired' };

export function checkRefresh(session: Session | undefined, tokenId: string, now: number): RefreshCheck {
  if (!session || session.revoked) return { ok: false, reason: 'unknown' };
  if (session.expiresAt <= now) return { ok: false, reason: 'expired' };
  if (session.currentTokenId === tokenId) return { ok: true };
  return { ok: false, reason: session.rotated.includes(tokenId) ? 'reused' : 'unknown' };
}

export function rotate(session: Session, nextTokenId: string, now: number): Session {
  return {
    ...session,
    rotated: [...session.rotated.slice(-50), session.currentTokenId],
    currentTokenId: nextTokenId,
    lastUsedAt: now,
  };
}

export class SessionNotFoundError extends DomainError {
  readonly code = 'SESSION.NOT_FOUND';
  readonly kind = 'not_found';
  constructor() {
    super('No such session');
  }
}
