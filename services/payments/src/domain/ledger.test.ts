import { describe, expect, it } from 'vitest';
import { journal, type LedgerLine, reconcile } from './ledger';

const ORDER = '6f1c1f8e-8a55-4a59-9d55-1f1b7c0f0a01';
const lines = (...journals: ReturnType<typeof journal>[]): LedgerLine[] =>
  journals.flatMap((j) => j.postings.map((p) => ({ ...p, key: j.key, kind: j.kind, currency: j.currency })));

describe('ledger', () => {
  it('every journal is one debit and one credit of the same amount', () => {
    for (const kind of ['authorize', 'capture', 'void', 'refund'] as const) {
      const j = journal(kind, ORDER, `${ORDER}:${kind}`, 1234, 'EUR');
      const debit = j.postings.reduce((s, p) => s + p.debit, 0);
      const credit = j.postings.reduce((s, p) => s + p.credit, 0);
      expect([debit, credit]).toEqual([1234, 1234]);
      expect(j.postings[0].account).not.toBe(j.postings[1].account);
    }
  });

  it('refuses a zero, negative or fractional amount', () => {
    expect(() => journal('capture', ORDER, 'k', 0, 'EUR')).toThrow(RangeError);
    expect(() => journal('capture', ORDER, 'k', -5, 'EUR')).toThrow(RangeError);
    expect(() => journal('capture', ORDER, 'k', 1.5, 'EUR')).toThrow(RangeError);
  });

  it('authorize → capture → partial refund: money in = money out + held', () => {
    const l = lines(
      journal('authorize', ORDER, 'a', 5000, 'EUR'),
      journal('capture', ORDER, 'c', 5000, 'EUR'),
      journal('refund', ORDER, 'r1', 1200, 'EUR'),
    );
    const r = reconcile(ORDER, l, { currency: 'EUR', held: 0, captured: 5000, refunded: 1200 });
    expect(r).toMatchObject({ authorized: 5000, captured: 5000, voided: 0, refunded: 1200, held: 0, balanced: true });
  });

  it('an authorization not yet captured is held, and must be held on the payment too', () => {
    const l = lines(journal('authorize', ORDER, 'a', 700, 'USD'));
    expect(reconcile(ORDER, l, { currency: 'USD', held: 700, captured: 0, refunded: 0 })).toMatchObject({
      held: 700,
      balanced: true,
    });
    const wrong = reconcile(ORDER, l, { currency: 'USD', held: 0, captured: 0, refunded: 0 });
    expect(wrong.balanced).toBe(false);
    expect(wrong.problems.join()).toMatch(/holds 0, ledger 700/);
  });

  it('a void releases the hold', () => {
    const l = lines(journal('authorize', ORDER, 'a', 700, 'USD'), journal('void', ORDER, 'v', 700, 'USD'));
    expect(reconcile(ORDER, l, { currency: 'USD', held: 0, captured: 0, refunded: 0 })).toMatchObject({
      voided: 700,
      held: 0,
      balanced: true,
    });
  });

  it('finds a one-sided journal, a refund above the capture and a capture with no authorization', () => {
    const half = lines(journal('capture', ORDER, 'c', 100, 'EUR')).slice(0, 1);
    expect(reconcile(ORDER, half, { currency: 'EUR', held: 0, captured: 100, refunded: 0 }).problems.join()).toMatch(
      /journal c is unbalanced/,
    );
    const over = lines(
      journal('authorize', ORDER, 'a', 100, 'EUR'),
      journal('capture', ORDER, 'c', 100, 'EUR'),
      journal('refund', ORDER, 'r', 150, 'EUR'),
    );
    expect(reconcile(ORDER, over, { currency: 'EUR', held: 0, captured: 100, refunded: 150 }).problems.join()).toMatch(
      /refunded 150 exceeds captured 100/,
    );
    const orphanCapture = lines(journal('capture', ORDER, 'c', 100, 'EUR'));
    const r = reconcile(ORDER, orphanCapture, { currency: 'EUR', held: 0, captured: 100, refunded: 0 });
    expect(r.balanced).toBe(false);
    expect(r.held).toBe(-100);
  });

  it('no payment and no lines is balanced at zero; lines without a payment are not', () => {
    expect(reconcile(ORDER, [])).toMatchObject({ authorized: 0, held: 0, currency: 'XXX', balanced: true });
    expect(reconcile(ORDER, lines(journal('authorize', ORDER, 'a', 1, 'EUR'))).balanced).toBe(false);
  });
});
