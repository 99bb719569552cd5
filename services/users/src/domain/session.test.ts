import { describe, expect, it } from 'vitest';
import { activeSessions, checkRefresh, rotate, type Session } from './session';

const base: Session = {
  id: 's',
  userId: 'u',
  currentTokenId: 't1',
  rotated: [],
  revoked: false,
  expiresAt: 1000,
  createdAt: 10,
  lastUsedAt: 10,
};

describe('refresh-token family', () => {
  it('accepts only the current token, and names a rotated one as reuse', () => {
    const next = rotate(base, 't2', 20);
    expect(checkRefresh(next, 't2', 0)).toEqual({ ok: true });
    expect(checkRefresh(next, 't1', 0)).toEqual({ ok: false, reason: 'reused' });
    expect(checkRefresh(next, 'zz', 0)).toEqual({ ok: false, reason: 'unknown' });
  });

  it('refuses revoked, expired and missing sessions', () => {
    expect(checkRefresh({ ...base, revoked: true }, 't1', 0)).toEqual({ ok: false, reason: 'unknown' });
    expect(checkRefresh(base, 't1', 1000)).toEqual({ ok: false, reason: 'expired' });
    expect(checkRefresh(undefined, 't1', 0)).toEqual({ ok: false, reason: 'unknown' });
  });

  it('keeps a bounded memory of rotated tokens', () => {
    let s = base;
    for (let i = 0; i < 200; i++) s = rotate(s, `t${i + 2}`, 20 + i);
    expect(s.rotated.length).toBeLessThanOrEqual(51);
    expect(checkRefresh(s, 't201', 0)).toEqual({ ok: true });
    expect(checkRefresh(s, 't200', 0)).toEqual({ ok: false, reason: 'reused' });
  });
});

describe('activeSessions', () => {
  it("lists only the user's live sessions, newest first, marking the caller's own", () => {
    const mk = (id: string, over: Partial<Session>): Session => ({ ...base, id, ...over });
    const views = activeSessions(
      [
        mk('old', { createdAt: 1 }),
        mk('new', { createdAt: 5 }),
        mk('revoked', { revoked: true }),
        mk('expired', { expiresAt: 100 }),
        mk('theirs', { userId: 'other' }),
      ],
      'u',
      'old',
      500,
    );
    expect(views.map((v) => [v.id, v.current])).toEqual([
      ['new', false],
      ['old', true],
    ]);
  });
});
