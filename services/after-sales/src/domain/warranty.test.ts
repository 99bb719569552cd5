import { describe, expect, it } from 'vitest';
import {
  assertCovered,
  canMoveClaim,
  coversUntil,
  moveClaim,
  type WarrantyClaim,
  type WarrantyRegistration,
  warrantyMonths,
} from './warranty';

const claim = (over: Partial<WarrantyClaim> = {}): WarrantyClaim => ({
  id: 'c1',
  registrationId: 'r1',
  customerId: 'u1',
  status: 'submitted',
  resolution: null,
  description: 'broken',
  history: [],
  version: 1,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  ...over,
});
const now = new Date('2026-03-01T00:00:00Z');

describe('warranty terms', () => {
  it('takes the department term, a product override over it, and 12 months otherwise', () => {
    expect(warrantyMonths('electronics')).toBe(24);
    expect(warrantyMonths('fashion')).toBe(6);
    expect(warrantyMonths('garden')).toBe(12);
    expect(warrantyMonths(null)).toBe(12);
    expect(warrantyMonths('electronics', 36)).toBe(36);
    expect(warrantyMonths('electronics', 0)).toBe(0);
  });

  it('covers calendar months from delivery, clamped to the last day of a short month', () => {
    expect(coversUntil(new Date('2026-01-15T10:00:00Z'), 24)).toEqual(new Date('2028-01-15T10:00:00Z'));
    expect(coversUntil(new Date('2026-01-31T10:00:00Z'), 1)).toEqual(new Date('2026-02-28T10:00:00Z'));
  });

  it('accepts a claim until the last instant of cover and refuses it after with WARRANTY.EXPIRED', () => {
    const reg = { id: 'r1', coversUntil: now } as WarrantyRegistration;
    expect(() => assertCovered(reg, now)).not.toThrow();
    expect(() => assertCovered(reg, new Date(now.getTime() + 1))).toThrow(
      expect.objectContaining({ code: 'WARRANTY.EXPIRED' }),
    );
  });
});

describe('claim lifecycle', () => {
  it('allows exactly submitted → approved|rejected → (approved) repaired|replaced|refunded', () => {
    expect(canMoveClaim('submitted', 'approved')).toBe(true);
    expect(canMoveClaim('submitted', 'rejected')).toBe(true);
    expect(canMoveClaim('approved', 'refunded')).toBe(true);
    for (const [from, to] of [
      ['submitted', 'repaired'],
      ['rejected', 'approved'],
      ['refunded', 'replaced'],
      ['approved', 'approved'],
      ['approved', 'rejected'],
    ] as const) {
      expect(canMoveClaim(from, to), `${from}→${to}`).toBe(false);
      expect(() => moveClaim(claim({ status: from }), to, 'n', now)).toThrow(
        expect.objectContaining({ code: 'WARRANTY.INVALID_TRANSITION' }),
      );
    }
  });

  it('records each move with its note and bumps the version', () => {
    const approved = moveClaim(claim(), 'approved', 'looks faulty', now, 'replace');
    expect(approved).toMatchObject({ status: 'approved', resolution: 'replace', version: 2 });
    const replaced = moveClaim(approved, 'replaced', 'sent a new one', now);
    expect(replaced.history.map((h) => [h.status, h.note])).toEqual([
      ['approved', 'looks faulty'],
      ['replaced', 'sent a new one'],
    ]);
    expect(replaced.resolution).toBe('replace');
  });

  it('holds an approval to the resolution it named, and a rejection names none', () => {
    const approved = moveClaim(claim(), 'approved', 'ok', now, 'repair');
    expect(() => moveClaim(approved, 'refunded', 'n', now)).toThrow(
      expect.objectContaining({ code: 'WARRANTY.INVALID_TRANSITION' }),
    );
    expect(() => moveClaim(claim(), 'rejected', 'n', now, 'refund')).toThrow(
      expect.objectContaining({ code: 'WARRANTY.INVALID_TRANSITION' }),
    );
    expect(moveClaim(moveClaim(claim(), 'approved', 'ok', now), 'refunded', 'n', now).status).toBe('refunded');
  });
});
