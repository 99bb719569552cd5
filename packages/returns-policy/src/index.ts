/**
 * The returns policy, written once: the orders service decides returns with it and the storefront
 * shows the same windows and refunds before the customer asks. Pure functions over plain data, no
 * runtime dependencies and nothing of Node (this package builds without Node's types), so it runs
 * the same in a browser bundle.
 *
 * - Free returns within 30 days of delivery: no fee is kept, the refund goes to the original payment
 *   method (the orders service refunds through the provider the order was paid with).
 * - Department exceptions: electronics that were opened, 15 days; final-sale items, none.
 * - Partial returns: each line at most what was bought less what was already returned.
 *
 * Where the facts come from: `department` is the order line's snapshot of the product's catalog
 * category slug at checkout (what the line was sold as, not what the product is filed under later);
 * `finalSale` is also fixed on the line at checkout; `opened` is declared per line by the customer in
 * the return request (only the customer knows it; the warehouse inspects it on arrival).
 */

export const RETURN_WINDOW_DAYS = 30;
export const OPENED_ELECTRONICS_WINDOW_DAYS = 15;
const DAY_MS = 86_400_000;

/** Why a customer returns a line: a stable set, stored and reported on, so never renamed. */
export const RETURN_REASONS = [
  'damaged',
  'defective',
  'wrong_item',
  'not_as_described',
  'does_not_fit',
  'changed_mind',
  'arrived_late',
  'other',
] as const;
export type ReturnReason = (typeof RETURN_REASONS)[number];

export function isReturnReason(value: unknown): value is ReturnReason {
  return typeof value === 'string' && (RETURN_REASONS as readonly string[]).includes(value);
}

/** The facts of one purchased line the policy needs (the order's snapshot of it). */
export interface PolicyLine {
  sku: string;
  /** Units bought. */
  quantity: number;
  /** Units already returned. */
  returned: number;
  /** Minor units per unit, as paid before the order's discount. */
  unitPrice: number;
  /** Catalog category slug at checkout (`electronics`, `fashion`...); unknown on old orders. */
  department?: string;
  /** Sold as final sale: never returnable. */
  finalSale?: boolean;
}

/** One line of a return request. */
export interface ReturnItem {
  sku: string;
  quantity: number;
  /** The customer says the item was opened (matters for electronics). */
  opened?: boolean;
}

export interface ReturnOrderFacts {
  deliveredAt: Date;
  lines: PolicyLine[];
  /** Sum of quantity × unitPrice over every line, minor units. */
  subtotal: number;
  /** The order's discount, minor units; shared over the units pro rata. */
  discount: number;
}

/** Why a request is refused; `code` is the orders service's stable problem code. */
export type ReturnRefusal =
  | { code: 'ORDER.RETURN_WINDOW_CLOSED'; sku: string; days: number }
  | { code: 'ORDER.RETURN_FINAL_SALE'; sku: string }
  | { code: 'ORDER.RETURN_QUANTITY'; sku: string; returnable: number };

export interface RefundLine {
  sku: string;
  quantity: number;
  /** Minor units refunded for these units: paid price less their share of the discount, no fee. */
  refund: number;
}

export interface ReturnPlan {
  /** Every line of the order with `returned` updated. */
  lines: PolicyLine[];
  refunds: RefundLine[];
  /** Sum of `refunds`, minor units. */
  refund: number;
  /** Free returns: always 0, kept in the plan so a later fee shows where it would go. */
  fee: number;
}

export type ReturnDecision = { ok: true; plan: ReturnPlan } | { ok: false; refusal: ReturnRefusal };

/** Days after delivery a line may be returned: 0 for final sale. */
export function returnWindowDays(line: Pick<PolicyLine, 'department' | 'finalSale'>, opened = false): number {
  if (line.finalSale) return 0;
  if (line.department === 'electronics' && opened) return OPENED_ELECTRONICS_WINDOW_DAYS;
  return RETURN_WINDOW_DAYS;
}

/** The last moment a line may be returned, or null when it never may (final sale). */
export function returnableUntil(
  deliveredAt: Date,
  line: Pick<PolicyLine, 'department' | 'finalSale'>,
  opened = false,
): Date | null {
  const days = returnWindowDays(line, opened);
  return days > 0 ? new Date(deliveredAt.getTime() + days * DAY_MS) : null;
}

/**
 * Decides a return request against the order at `now`. Refusals name the first offending line.
 * Refunds: the units at what they were paid, less their share of the order's discount. The share is
 * allocated cumulatively over everything ever returned (R(g) = g − ⌊discount·g / subtotal⌋ for the
 * gross value g returned so far), so any sequence of partial returns refunds exactly the order's
 * total once everything is back and never more at any point.
 */
export function decideReturn(order: ReturnOrderFacts, items: ReturnItem[], now: Date): ReturnDecision {
  const lines = order.lines.map((l) => ({ ...l }));
  const refunds: RefundLine[] = [];
  const cumulative = (gross: number) =>
    order.subtotal > 0 ? gross - Math.floor((order.discount * gross) / order.subtotal) : gross;
  let gross = lines.reduce((sum, l) => sum + l.returned * l.unitPrice, 0);
  const elapsed = now.getTime() - order.deliveredAt.getTime();
  for (const item of items) {
    const line = lines.find((l) => l.sku === item.sku);
    if (line?.finalSale) return { ok: false, refusal: { code: 'ORDER.RETURN_FINAL_SALE', sku: item.sku } };
    if (line) {
      const days = returnWindowDays(line, item.opened);
      if (elapsed > days * DAY_MS) {
        return { ok: false, refusal: { code: 'ORDER.RETURN_WINDOW_CLOSED', sku: item.sku, days } };
      }
    }
    const returnable = line ? line.quantity - line.returned : 0;
    if (!line || !Number.isInteger(item.quantity) || item.quantity < 1 || item.quantity > returnable) {
      return { ok: false, refusal: { code: 'ORDER.RETURN_QUANTITY', sku: item.sku, returnable } };
    }
    line.returned += item.quantity;
    const before = cumulative(gross);
    gross += line.unitPrice * item.quantity;
    refunds.push({ sku: item.sku, quantity: item.quantity, refund: cumulative(gross) - before });
  }
  return { ok: true, plan: { lines, refunds, refund: refunds.reduce((s, r) => s + r.refund, 0), fee: 0 } };
}
