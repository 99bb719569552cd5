import { isRunning, type Promotion, runningState } from './promotion';
import type { InvalidReason } from './promotion.errors';

/**
 * One order line as orders prices it. `department` is the catalog category of the SKU: a line
 * without it is never eligible for a department-scoped promotion (orders must send it; see
 * client/index.ts for where orders gets it).
 */
export interface PricedLine {
  sku: string;
  department?: string;
  quantity: number;
  /** Minor units. */
  unitPrice: number;
}

export interface AppliedPromotion {
  promotionId: string;
  code: string | null;
  kind: Promotion['kind'];
  value: number;
  discount: number;
}

export interface Quote {
  currency: string;
  subtotal: number;
  discount: number;
  total: number;
  lines: (PricedLine & { discount: number })[];
  applied: AppliedPromotion[];
}

export type QuoteOutcome =
  | { ok: true; quote: Quote }
  | { ok: false; reason: InvalidReason; details: Record<string, unknown> };

/** Whether a line is in a promotion's scope: its SKU or its department listed, or no scope at all (every line). */
export function covers(p: Pick<Promotion, 'skus' | 'departments'>, line: PricedLine): boolean {
  if (!p.skus.length && !p.departments.length) return true;
  return p.skus.includes(line.sku) || (line.department !== undefined && p.departments.includes(line.department));
}

/**
 * The discount a promotion gives on an eligible subtotal: a percentage rounded down (never more than
 * the percentage says), or a fixed amount capped at the subtotal (never below zero).
 */
export function discountOf(p: Pick<Promotion, 'kind' | 'value'>, eligibleSubtotal: number): number {
  if (eligibleSubtotal <= 0) return 0;
  if (p.kind === 'fixed') return Math.min(p.value, eligibleSubtotal);
  return Number((BigInt(eligibleSubtotal) * BigInt(p.value)) / 100n);
}

/**
 * Splits `total` over `weights` in proportion, in integers, by largest remainder (ties to the
 * earlier index): the shares add up to `total` exactly and none exceeds its weight when total ≤ Σ
 * weights. BigInt: a line may reach 10^11 minor units and the products 10^24.
 */
export function allocate(total: number, weights: number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  if (total <= 0 || sum <= 0) return weights.map(() => 0);
  const t = BigInt(total);
  const s = BigInt(sum);
  const shares = weights.map((w) => (t * BigInt(w)) / s);
  const rests = weights.map((w, i) => ({ i, rest: (t * BigInt(w)) % s }));
  let left = total - shares.reduce((a, b) => a + Number(b), 0);
  rests.sort((a, b) => (a.rest === b.rest ? a.i - b.i : a.rest > b.rest ? -1 : 1));
  for (const { i } of rests) {
    if (left <= 0) break;
    shares[i] = (shares[i] ?? 0n) + 1n;
    left--;
  }
  return shares.map(Number);
}

function inCurrency(p: Promotion, currency: string): boolean {
  return p.currency === null || p.currency === currency;
}

/**
 * Prices an order's promotions. Rules, in this order:
 * 1. Automatic discounts (no code) that run at `now` in the order's currency. A line takes at most
 *    one of them: the one that gives the most on its eligible lines goes first and takes them, then
 *    the next best on the lines left, and so on (ties: the lower id). Each one's minimum subtotal is
 *    checked on the lines it would take.
 * 2. The coupon, if any, on top: on its eligible lines' amounts after step 1, its minimum checked on
 *    those amounts (what the customer pays for them). A coupon that cannot apply refuses the quote
 *    with a reason; an automatic discount that cannot apply is simply left out.
 * Every discount is spread over its lines in proportion to their amounts, so a line never goes below
 * zero and the lines' shares add up to the order's discount (returns refund each line's share).
 */
export function quote(input: {
  currency: string;
  lines: PricedLine[];
  automatic: Promotion[];
  coupon?: Promotion | null;
  /** The code the customer gave; a coupon of null with a code means no such coupon. */
  couponCode?: string;
  now: Date;
}): QuoteOutcome {
  const { currency, lines, now } = input;
  const amounts = lines.map((l) => l.quantity * l.unitPrice);
  const subtotal = amounts.reduce((s, a) => s + a, 0);
  const lineDiscounts = lines.map(() => 0);
  const applied: AppliedPromotion[] = [];

  const apply = (p: Promotion, eligible: number[], discount: number) => {
    const shares = allocate(
      discount,
      eligible.map((i) => amounts[i] ?? 0),
    );
    eligible.forEach((i, k) => {
      const share = shares[k] ?? 0;
      amounts[i] = (amounts[i] ?? 0) - share;
      lineDiscounts[i] = (lineDiscounts[i] ?? 0) + share;
    });
    applied.push({ promotionId: p.id, code: p.code, kind: p.kind, value: p.value, discount });
  };
  const eligibleOf = (p: Promotion, taken: boolean[]) =>
    lines.flatMap((l, i) => (!taken[i] && (amounts[i] ?? 0) > 0 && covers(p, l) ? [i] : []));
  const sumOf = (idx: number[]) => idx.reduce((s, i) => s + (amounts[i] ?? 0), 0);

  // 1. Automatic discounts, best first, a line to one of them at most.
  const taken = lines.map(() => false);
  let candidates = input.automatic
    .filter((p) => p.code === null && isRunning(p, now) && inCurrency(p, currency))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (;;) {
    let best: { p: Promotion; eligible: number[]; discount: number } | undefined;
    for (const p of candidates) {
      const eligible = eligibleOf(p, taken);
      const base = sumOf(eligible);
      if (!eligible.length || base < p.minSubtotal) continue;
      const discount = discountOf(p, base);
      if (discount > 0 && (!best || discount > best.discount)) best = { p, eligible, discount };
    }
    if (!best) break;
    apply(best.p, best.eligible, best.discount);
    for (const i of best.eligible) taken[i] = true;
    candidates = candidates.filter((p) => p !== best.p);
  }

  // 2. The coupon, on what is left of its lines.
  if (input.couponCode !== undefined) {
    const c = input.coupon;
    if (!c || c.code === null) return refuse('unknown', {});
    const state = runningState(c, now);
    if (state !== 'running') return refuse(state, {});
    if (!inCurrency(c, currency)) return refuse('currency', { currency: c.currency });
    const eligible = eligibleOf(
      c,
      lines.map(() => false),
    );
    if (!eligible.length) return refuse('not_eligible', {});
    const base = sumOf(eligible);
    if (base < c.minSubtotal) return refuse('min_subtotal', { minSubtotal: c.minSubtotal, eligibleSubtotal: base });
    apply(c, eligible, discountOf(c, base));
  }

  const discount = lineDiscounts.reduce((s, d) => s + d, 0);
  return {
    ok: true,
    quote: {
      currency,
      subtotal,
      discount,
      total: subtotal - discount,
      lines: lines.map((l, i) => ({ ...l, discount: lineDiscounts[i] ?? 0 })),
      applied,
    },
  };
}

function refuse(reason: InvalidReason, details: Record<string, unknown>): QuoteOutcome {
  return { ok: false, reason, details };
}
