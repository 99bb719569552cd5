import { describe, expect, it } from 'vitest';
import { checkRefresh, rotate, type Session } from './session';

const base: Session = { id: 's', userId: 'u', currentTokenId: 't1', rotated: [], revoked: false, expiresAt: 1000 };

describe('refresh-token family', () => {
  it('accepts only the current token, and names a rotated one as reuse', () => {
    const next = rotate(base, 't2');
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
    for (let i = 0; i < 200; i++) s = rotate(s, `t${i + 2}`);
    expect(s.rotated.length).toBeLessThanOrEqual(51);
    expect(checkRefresh(s, 't201', 0)).toEqual({ ok: true });
    expect(checkRefresh(s, 't200', 0)).toEqual({ ok: false, reason: 'reused' });
  });
});
