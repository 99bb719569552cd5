import type { Api } from '../../support/api';
import type { FaultStack } from './fault-stack';
import type { Check, Invariant } from './report';

// The invariants every scenario checks afterwards, each read from STORED state: the orders
// database (orders, lines, invoices, the history read model, the outbox), the payments ledger, and
// each SKU's actor state through the inventory API. Each returns held/broken with what it compared.

export interface Stock {
  onHand: number;
  reserved: number;
}

export const stockOf = async (api: Api, sku: string): Promise<Stock> => {
  const s = await api('GET', `/api/inventory/${sku}`);
  if (s.status !== 200) throw new Error(`GET /api/inventory/${sku}: ${s.status} ${s.text}`);
  return s.body as Stock;
};

const check = (ok: boolean, detail: string): Check => ({ ok, detail });

/** An order that was placed and kept: confirmed, or shipped since (captured). */
const PLACED = new Set(['confirmed', 'shipped']);

/**
 * A drop of `quantity` units (out of `onHand`): never more held than the drop had, never more than
 * on hand, and exactly the acknowledged claims are held (each claim's reservation applied once:
 * a claim whose answer was lost may hold too, so indeterminate ones may add up to their number).
 */
export async function dropInvariants(
  api: Api,
  sku: string,
  drop: { onHand: number; quantity: number; acknowledged: number; indeterminate: number },
): Promise<Partial<Record<Invariant, Check>>> {
  const s = await stockOf(api, sku);
  const held = s.reserved;
  return {
    'no oversell': check(
      held <= drop.quantity && held <= s.onHand && s.onHand === drop.onHand,
      `held ${held} of a ${drop.quantity}-unit drop, onHand ${s.onHand}/${drop.onHand}`,
    ),
    'no lost acknowledged order': check(
      held >= drop.acknowledged,
      `${drop.acknowledged} claims acknowledged, ${held} held in the SKU's state`,
    ),
    'reservation settled once': check(
      held >= drop.acknowledged && held <= drop.acknowledged + drop.indeterminate,
      `held ${held}: acknowledged ${drop.acknowledged} + at most ${drop.indeterminate} unanswered`,
    ),
  };
}

/** Waits until no order of the stack is `pending` (the saga or the recovery sweep finished each). */
export async function settled(fs: FaultStack, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const [p] = await fs.sql<{ n: number }>("SELECT COUNT(*) AS n FROM `{orders}`.orders WHERE status = 'pending'");
    const [o] = await fs.sql<{ n: number }>('SELECT COUNT(*) AS n FROM `{orders}`.outbox');
    if (Number(p?.n) === 0 && Number(o?.n) === 0) return;
    if (Date.now() > deadline)
      throw new Error(`${p?.n} orders still pending, ${o?.n} events in the outbox after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Every order of the stack (all placed by the scenario), against the stock the scenario started with:
 * `initial` onHand per SKU, nothing reserved. Call after settled() and after events had time to apply.
 */
export async function orderInvariants(
  fs: FaultStack,
  acknowledgedIds: readonly string[],
  initial: Record<string, number>,
): Promise<Partial<Record<Invariant, Check>>> {
  const orders = await fs.sql<{ id: string; status: string; total: number }>(
    'SELECT id, status, total FROM `{orders}`.orders',
  );
  const status = new Map(orders.map((o) => [o.id, o.status]));
  const lost = acknowledgedIds.filter((id) => !PLACED.has(status.get(id) ?? ''));
  const confirmed = orders.filter((o) => PLACED.has(o.status));

  const sold = await fs.sql<{ sku: string; units: number }>(
    "SELECT l.sku, SUM(l.quantity) AS units FROM `{orders}`.order_lines l JOIN `{orders}`.orders o ON o.id = l.order_id WHERE o.status IN ('confirmed', 'shipped') GROUP BY l.sku",
  );
  const soldBy = new Map(sold.map((r) => [r.sku, Number(r.units)]));
  const oversold: string[] = [];
  const unsettled: string[] = [];
  for (const [sku, onHand0] of Object.entries(initial)) {
    const s = await stockOf(fs.api, sku);
    const units = soldBy.get(sku) ?? 0;
    if (units > onHand0 || s.onHand < 0 || s.reserved > s.onHand) oversold.push(`${sku}: sold ${units} of ${onHand0}`);
    if (s.reserved !== 0 || s.onHand !== onHand0 - units) {
      unsettled.push(`${sku}: onHand ${s.onHand} reserved ${s.reserved}, expected ${onHand0 - units}/0`);
    }
  }

  const invoices = await fs.sql<{ order_id: string; n: number }>(
    'SELECT order_id, COUNT(*) AS n FROM `{orders}`.invoices GROUP BY order_id',
  );
  const invoiced = new Map(invoices.map((r) => [r.order_id, Number(r.n)]));
  const [counter] = await fs.sql<{ last_seq: number }>(
    'SELECT COALESCE(MAX(last_seq), 0) AS last_seq FROM `{orders}`.invoice_counters',
  );
  const history = await fs.sql<{ order_id: string; status: string }>(
    'SELECT order_id, status FROM `{orders}`.order_history',
  );
  const seen = new Map(history.map((h) => [h.order_id, h.status]));
  const eventFaults = [
    ...confirmed.filter((o) => invoiced.get(o.id) !== 1).map((o) => `${o.id}: ${invoiced.get(o.id) ?? 0} invoices`),
    ...[...invoiced.keys()]
      .filter((id) => !PLACED.has(status.get(id) ?? ''))
      .map((id) => `${id}: invoice of a ${status.get(id)} order`),
    ...(Number(counter?.last_seq) !== invoices.length
      ? [`invoice counter ${counter?.last_seq} for ${invoices.length} invoices`]
      : []),
    ...confirmed.filter((o) => seen.get(o.id) !== o.status).map((o) => `${o.id}: history says ${seen.get(o.id)}`),
  ];

  const ledger = await fs.sql<{
    order_id: string;
    dr: number;
    cr: number;
    held: number;
    captured: number;
    captures: number;
  }>(
    `SELECT order_id, SUM(debit) AS dr, SUM(credit) AS cr,
            SUM(CASE WHEN account = 'held' THEN debit - credit ELSE 0 END) AS held,
            SUM(CASE WHEN account = 'captured' THEN debit - credit ELSE 0 END) AS captured,
            COUNT(DISTINCT CASE WHEN kind = 'capture' THEN journal END) AS captures
       FROM \`{payments}\`.ledger_entries GROUP BY order_id`,
  );
  const total = new Map(orders.map((o) => [o.id, Number(o.total)]));
  const ledgerFaults = ledger.flatMap((l) => {
    const st = status.get(l.order_id);
    const held = Number(l.held);
    const faults: string[] = [];
    if (Number(l.dr) !== Number(l.cr)) faults.push(`${l.order_id}: debits ${l.dr} ≠ credits ${l.cr}`);
    const want = total.get(l.order_id);
    if (!PLACED.has(st ?? '') && held !== 0) faults.push(`${l.order_id}: ${st} order still holds ${held}`);
    if (st === 'shipped' && (held !== 0 || Number(l.captured) !== want)) {
      faults.push(`${l.order_id}: shipped, holds ${held}, captured ${l.captured} of ${want}`);
    }
    if (st === 'confirmed' && held !== total.get(l.order_id))
      faults.push(`${l.order_id}: holds ${held} of ${total.get(l.order_id)}`);
    return faults;
  });
  const missingPayment = confirmed
    .filter((o) => !ledger.some((l) => l.order_id === o.id))
    .map((o) => `${o.id}: no ledger`);
  const doubleCaptures = ledger
    .filter((l) => Number(l.captures) > 1)
    .map((l) => `${l.order_id}: ${l.captures} captures`);

  return {
    'no oversell': check(
      oversold.length === 0,
      oversold.join('; ') || `${Object.keys(initial).length} SKUs within stock`,
    ),
    'no lost acknowledged order': check(
      lost.length === 0,
      lost.length ? `not confirmed: ${lost.join(', ')}` : `${acknowledgedIds.length} acknowledged, all confirmed`,
    ),
    'no double capture': check(
      doubleCaptures.length === 0,
      doubleCaptures.join('; ') || 'at most one capture per order',
    ),
    'reservation settled once': check(
      unsettled.length === 0,
      unsettled.join('; ') || 'stock = initial − confirmed units, nothing held',
    ),
    'event applied once': check(
      eventFaults.length === 0,
      eventFaults.slice(0, 5).join('; ') || `${confirmed.length} confirmed orders, one invoice each, history in step`,
    ),
    'ledger balanced': check(
      ledgerFaults.length + missingPayment.length === 0,
      [...ledgerFaults, ...missingPayment].slice(0, 5).join('; ') || `${ledger.length} ledgers balanced`,
    ),
  };
}

/** Waits (up to `ms`) until every confirmed order has its invoice and its history row says so. */
export async function eventsApplied(fs: FaultStack, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const [row] = await fs.sql<{ missing: number }>(
      `SELECT COUNT(*) AS missing FROM \`{orders}\`.orders o
         LEFT JOIN \`{orders}\`.invoices i ON i.order_id = o.id
         LEFT JOIN \`{orders}\`.order_history h ON h.order_id = o.id
        WHERE o.status IN ('confirmed', 'shipped') AND (i.order_id IS NULL OR h.status IS NULL OR h.status <> o.status)`,
    );
    if (Number(row?.missing) === 0) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  // Not thrown: the invariant check names what is missing.
}
