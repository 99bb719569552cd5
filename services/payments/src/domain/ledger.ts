/**
 * The double-entry ledger of one order's money, from the store's side. Four accounts:
 *
 *   customer_funds  the customer's card: credited when money is put on hold for us, debited when a
 *                   hold is released back (void)
 *   held            authorized at the provider, not yet taken
 *   captured        taken (the store's revenue), credited when part of it is paid back
 *   refunded        paid back to the customer out of the captured money
 *
 * Every operation is ONE journal of two postings of the same amount (debit one account, credit
 * another), so the ledger sums to zero by construction and each journal can be checked alone:
 *
 *   authorize A  Dr held            / Cr customer_funds
 *   capture   C  Dr captured        / Cr held
 *   void      V  Dr customer_funds  / Cr held
 *   refund    R  Dr refunded        / Cr captured
 *
 * A journal is keyed by the provider idempotency key of its step (`<orderId>:capture`,
 * `<orderId>:refund:<id>`) and the database refuses a second posting to the same account under the
 * same key: an operation is booked once however often it is replayed.
 */
export type Account = 'customer_funds' | 'held' | 'captured' | 'refunded';
export type JournalKind = 'authorize' | 'capture' | 'void' | 'refund';

export interface Posting {
  account: Account;
  debit: number;
  credit: number;
}

export interface Journal {
  orderId: string;
  /** The operation's idempotency key. */
  key: string;
  kind: JournalKind;
  currency: string;
  postings: [Posting, Posting];
}

const LEGS: Record<JournalKind, [Account, Account]> = {
  authorize: ['held', 'customer_funds'],
  capture: ['captured', 'held'],
  void: ['customer_funds', 'held'],
  refund: ['refunded', 'captured'],
};

export function journal(kind: JournalKind, orderId: string, key: string, amount: number, currency: string): Journal {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new RangeError(`journal amount must be > 0, got ${amount}`);
  const [dr, cr] = LEGS[kind];
  return {
    orderId,
    key,
    kind,
    currency,
    postings: [
      { account: dr, debit: amount, credit: 0 },
      { account: cr, debit: 0, credit: amount },
    ],
  };
}

/** A stored posting, as the reconciliation reads it back. */
export interface LedgerLine extends Posting {
  key: string;
  kind: JournalKind;
  currency: string;
}

/** What the payment record says, to hold the ledger against. */
export interface PaymentFigures {
  currency: string;
  /** Still held: the authorized amount while authorized (a capture or void is in flight included). */
  held: number;
  captured: number;
  refunded: number;
}

export interface Reconciliation {
  orderId: string;
  currency: string;
  authorized: number;
  captured: number;
  voided: number;
  refunded: number;
  held: number;
  balanced: boolean;
  /** Why not, in words for an operator (empty when balanced). */
  problems: string[];
}

/**
 * Money in = money out + held: everything authorized was captured, released (voided) or is still
 * held; refunds never exceed the capture; every journal balances alone (Σ debit = Σ credit, in one
 * currency); and the ledger agrees with the payment record.
 */
export function reconcile(orderId: string, lines: LedgerLine[], payment?: PaymentFigures): Reconciliation {
  const problems: string[] = [];
  const byKind: Record<JournalKind, number> = { authorize: 0, capture: 0, void: 0, refund: 0 };
  const journals = new Map<string, { debit: number; credit: number; kind: JournalKind }>();
  const currencies = new Set<string>();
  let held = 0;
  for (const l of lines) {
    currencies.add(l.currency);
    const j = journals.get(l.key) ?? { debit: 0, credit: 0, kind: l.kind };
    j.debit += l.debit;
    j.credit += l.credit;
    journals.set(l.key, j);
    if (l.account === 'held') held += l.debit - l.credit;
  }
  for (const [key, j] of journals) {
    if (j.debit !== j.credit) problems.push(`journal ${key} is unbalanced: debit ${j.debit}, credit ${j.credit}`);
    byKind[j.kind] += j.debit;
  }
  if (currencies.size > 1) problems.push(`postings in several currencies: ${[...currencies].join(', ')}`);
  const r = {
    authorized: byKind.authorize,
    captured: byKind.capture,
    voided: byKind.void,
    refunded: byKind.refund,
    held,
  };
  if (r.authorized !== r.captured + r.voided + r.held) {
    problems.push(`authorized ${r.authorized} ≠ captured ${r.captured} + voided ${r.voided} + held ${r.held}`);
  }
  if (r.held < 0) problems.push(`negative hold ${r.held}`);
  if (r.refunded > r.captured) problems.push(`refunded ${r.refunded} exceeds captured ${r.captured}`);
  if (payment) {
    if (payment.held !== r.held) problems.push(`payment holds ${payment.held}, ledger ${r.held}`);
    if (payment.captured !== r.captured) problems.push(`payment captured ${payment.captured}, ledger ${r.captured}`);
    if (payment.refunded !== r.refunded) problems.push(`payment refunded ${payment.refunded}, ledger ${r.refunded}`);
  } else if (lines.length) {
    problems.push('ledger entries without a payment');
  }
  const currency = payment?.currency || [...currencies][0] || 'XXX'; // ISO 4217: no currency
  return { orderId, currency, ...r, balanced: problems.length === 0, problems };
}
