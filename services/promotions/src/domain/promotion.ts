export type PromotionKind = 'percent' | 'fixed';

/**
 * A coupon (with a code) or an automatic discount (no code: it applies to every order in its
 * window, e.g. a department at −20 % for a weekend). Money is integer minor units of `currency`.
 */
export interface Promotion {
  id: string;
  /** Upper case (codes are case-insensitive); null for an automatic discount. */
  code: string | null;
  kind: PromotionKind;
  /** percent: a whole percentage 1-100; fixed: minor units. */
  value: number;
  /** The currency of `value` (fixed) and `minSubtotal`; null: a percentage valid in any currency. */
  currency: string | null;
  /** Checked on the eligible lines' subtotal; 0: none. */
  minSubtotal: number;
  /** The scope: a line whose SKU or department is listed is eligible; both empty: every line. */
  skus: string[];
  departments: string[];
  startsAt: Date | null;
  endsAt: Date | null;
  /** Global cap on reserved + committed uses; null: none. */
  maxRedemptions: number | null;
  maxPerCustomer: number | null;
  /** The admin's switch. */
  active: boolean;
  /** Uses held now (reserved + committed). */
  used: number;
  createdAt: Date;
}

/** Coupon codes are compared case-insensitively: stored and looked up in upper case. */
export function normalizeCode(code: string): string {
  return code.trim().toUpperCase();
}

export type RunningState = 'running' | 'inactive' | 'not_started' | 'ended';

/** Whether a promotion applies at `now`: switched on and inside [startsAt, endsAt). */
export function runningState(p: Promotion, now: Date): RunningState {
  if (!p.active) return 'inactive';
  if (p.startsAt && now < p.startsAt) return 'not_started';
  if (p.endsAt && now >= p.endsAt) return 'ended';
  return 'running';
}

export const isRunning = (p: Promotion, now: Date): boolean => runningState(p, now) === 'running';
