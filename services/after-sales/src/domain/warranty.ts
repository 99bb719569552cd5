// Warranty terms and the claim lifecycle. Pure: no framework, no I/O (lint enforces it).
import { ClaimTransitionError, WarrantyExpiredError } from './after-sales.errors';

/**
 * Months of cover from delivery, per department (catalog category slug). A product may override its
 * department's term (an admin-set row of `warranty_terms`, keyed by SKU, in this service: the catalog
 * knows nothing of warranties, and a table here costs no change to another service's schema).
 */
export const DEPARTMENT_WARRANTY_MONTHS: Readonly<Record<string, number>> = {
  electronics: 24,
  home: 24,
  sports: 12,
  toys: 12,
  fashion: 6,
};
/** A department without its own term (or a line from before departments were kept). */
export const DEFAULT_WARRANTY_MONTHS = 12;

export function warrantyMonths(department: string | null, override?: number): number {
  if (override !== undefined) return override;
  return (department ? DEPARTMENT_WARRANTY_MONTHS[department] : undefined) ?? DEFAULT_WARRANTY_MONTHS;
}

/** The end of cover: `months` calendar months after delivery (UTC), clamped to the month's last day. */
export function coversUntil(deliveredAt: Date, months: number): Date {
  const d = new Date(deliveredAt.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}

export interface WarrantyRegistration {
  id: string;
  customerId: string;
  customerEmail: string;
  orderId: string;
  sku: string;
  productName: string;
  department: string | null;
  months: number;
  deliveredAt: Date;
  coversUntil: Date;
  createdAt: Date;
}

/** A claim is accepted while the registration covers `now` (the last instant included). */
export function assertCovered(reg: WarrantyRegistration, now: Date): void {
  if (now.getTime() > reg.coversUntil.getTime()) throw new WarrantyExpiredError(reg.id, reg.coversUntil);
}

export type ClaimStatus = 'submitted' | 'approved' | 'rejected' | 'repaired' | 'replaced' | 'refunded';
export type Resolution = 'repair' | 'replace' | 'refund';

export interface ClaimMove {
  status: ClaimStatus;
  note: string | null;
  at: Date;
}

export interface WarrantyClaim {
  id: string;
  registrationId: string;
  customerId: string;
  status: ClaimStatus;
  resolution: Resolution | null;
  description: string;
  history: ClaimMove[];
  /** Increases with every move: a move is saved only over the version it was decided on. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

const OUTCOME_OF: Record<Resolution, ClaimStatus> = { repair: 'repaired', replace: 'replaced', refund: 'refunded' };

// submitted → approved | rejected; approved → repaired | replaced | refunded; the rest are final.
const NEXT: Record<ClaimStatus, readonly ClaimStatus[]> = {
  submitted: ['approved', 'rejected'],
  approved: ['repaired', 'replaced', 'refunded'],
  rejected: [],
  repaired: [],
  replaced: [],
  refunded: [],
};

export function canMoveClaim(from: ClaimStatus, to: ClaimStatus): boolean {
  return NEXT[from].includes(to);
}

/**
 * The claim after an admin's move. An approval may name the resolution; the later move must then
 * be that resolution's outcome (approved for repair → repaired, not refunded).
 */
export function moveClaim(
  claim: WarrantyClaim,
  to: ClaimStatus,
  note: string,
  now: Date,
  resolution?: Resolution,
): WarrantyClaim {
  if (!canMoveClaim(claim.status, to)) throw new ClaimTransitionError(claim.id, claim.status, to);
  if (to === 'rejected' && resolution) throw new ClaimTransitionError(claim.id, claim.status, `rejected/${resolution}`);
  if (claim.status === 'approved' && claim.resolution && OUTCOME_OF[claim.resolution] !== to) {
    throw new ClaimTransitionError(claim.id, `approved for ${claim.resolution}`, to);
  }
  return {
    ...claim,
    status: to,
    resolution: to === 'approved' ? (resolution ?? null) : claim.resolution,
    history: [...claim.history, { status: to, note, at: now }],
    version: claim.version + 1,
    updatedAt: now,
  };
}
