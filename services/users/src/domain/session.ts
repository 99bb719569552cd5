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
}

export type RefreshCheck = { ok: true } | { ok: false; reason: 'unknown' | 'reused' | 'expired' };

export function checkRefresh(session: Session | undefined, tokenId: string, now: number): RefreshCheck {
  if (!session || session.revoked) return { ok: false, reason: 'unknown' };
  if (session.expiresAt <= now) return { ok: false, reason: 'expired' };
  if (session.currentTokenId === tokenId) return { ok: true };
  return { ok: false, reason: session.rotated.includes(tokenId) ? 'reused' : 'unknown' };
}

export function rotate(session: Session, nextTokenId: string): Session {
  return { ...session, rotated: [...session.rotated.slice(-50), session.currentTokenId], currentTokenId: nextTokenId };
}
