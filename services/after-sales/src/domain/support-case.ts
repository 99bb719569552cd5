// Customer-service cases: statuses, the message thread and the timestamps SLA figures come from.
// Pure: no framework, no I/O (lint enforces it).
import { CaseClosedError, CaseTransitionError } from './after-sales.errors';

export type CaseStatus = 'open' | 'waiting_on_customer' | 'resolved' | 'closed';
export type Author = 'customer' | 'admin';

export interface CaseMessage {
  author: Author;
  authorId: string;
  body: string;
  at: Date;
}

export interface SupportCase {
  id: string;
  customerId: string;
  customerEmail: string;
  subject: string;
  orderId: string | null;
  sku: string | null;
  status: CaseStatus;
  createdAt: Date;
  updatedAt: Date;
  /** The first admin reply: the first-response time is measured to it. */
  firstResponseAt: Date | null;
  /** When it last became resolved (cleared when the customer reopens it). */
  resolvedAt: Date | null;
  /** Increases with every change: a change is saved only over the version it was decided on. */
  version: number;
}

// open → waiting_on_customer → resolved → closed. An admin may resolve from open, and close a case
// at any point (spam, duplicates); nothing leaves closed. The customer's reply reopens (below).
const ADMIN_NEXT: Record<CaseStatus, readonly CaseStatus[]> = {
  open: ['waiting_on_customer', 'resolved', 'closed'],
  waiting_on_customer: ['resolved', 'closed'],
  resolved: ['closed'],
  closed: [],
};

export function canSetCaseStatus(from: CaseStatus, to: CaseStatus): boolean {
  return ADMIN_NEXT[from].includes(to);
}

function touched(c: SupportCase, now: Date, change: Partial<SupportCase>): SupportCase {
  return { ...c, ...change, updatedAt: now, version: c.version + 1 };
}

/** An admin's status move. */
export function setCaseStatus(c: SupportCase, to: CaseStatus, now: Date): SupportCase {
  if (!canSetCaseStatus(c.status, to)) throw new CaseTransitionError(c.id, c.status, to);
  return touched(c, now, { status: to, ...(to === 'resolved' ? { resolvedAt: now } : {}) });
}

/**
 * A message on the thread. A customer's message on a case waiting for them (or resolved) reopens
 * it; an admin's first one sets the first response. Nobody writes on a closed case.
 */
export function addMessage(c: SupportCase, author: Author, now: Date): SupportCase {
  if (c.status === 'closed') throw new CaseClosedError(c.id);
  if (author === 'admin') return touched(c, now, { firstResponseAt: c.firstResponseAt ?? now });
  const reopen = c.status === 'waiting_on_customer' || c.status === 'resolved';
  return touched(c, now, reopen ? { status: 'open', resolvedAt: null } : {});
}
