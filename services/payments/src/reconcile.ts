// Reconciles the payments ledger: per order, what was authorized, captured, voided, refunded and
// is still held, and whether money in equals money out plus held (domain/ledger.ts says exactly what
// is checked). Run after a fault scenario, a deploy, or on a schedule:
//   npm run reconcile -w services/payments -- [--order <id>] [--db-url mysql://...] [--all]
// Prints one line per order that is unbalanced or unresolved (every order with --all), then one
// JSON summary line. Exit 0: balanced; 1: an order is unbalanced; 2: balanced, but an authorization
// never answered and was never released (money may be held at the provider: void the order).
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { figuresOf } from './app/query-payments.use-case';
import { type Reconciliation, reconcile } from './domain/ledger';
import type { Payment } from './domain/payment';
import { createPaymentsDataSource } from './infra/typeorm/data-source';
import { TypeormLedger } from './infra/typeorm/typeorm-ledger';
import { TypeormPaymentRepository } from './infra/typeorm/typeorm-payment.repository';

const USAGE = `usage: reconcile [--order <id>] [--db-url mysql://...] [--all]
  --order   one order (default: every order in the database)
  --db-url  the payments database (default: DB_URL)
  --all     print every order, not only those that need attention`;

/** An authorization that may be held at the provider with nothing on our books. */
function unresolved(p: Payment): boolean {
  return (p.status === 'pending' && !p.inFlight) || (p.status === 'failed' && p.providerReached);
}

function line(r: Reconciliation, p?: Payment): string {
  const figures = `authorized=${r.authorized} captured=${r.captured} voided=${r.voided} refunded=${r.refunded} held=${r.held}`;
  const state = r.balanced ? 'balanced' : `UNBALANCED (${r.problems.join('; ')})`;
  const open = p && unresolved(p) ? ' UNRESOLVED (authorization never answered; void it)' : '';
  return `${r.orderId} ${r.currency} ${p?.status ?? '-'} ${figures} ${state}${open}`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      order: { type: 'string' },
      'db-url': { type: 'string' },
      all: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const url = values['db-url'] ?? process.env.DB_URL;
  if (!url?.startsWith('mysql://')) throw new Error(`--db-url or DB_URL (mysql://...) is required\n${USAGE}`);
  const ds = createPaymentsDataSource(url, 2);
  await ds.initialize();
  const totals = { orders: 0, balanced: 0, unbalanced: 0, unresolved: 0, held: 0 };
  const report = (r: Reconciliation, p?: Payment) => {
    totals.orders++;
    totals.held += r.held;
    if (r.balanced) totals.balanced++;
    else totals.unbalanced++;
    const open = !!p && unresolved(p);
    if (open) totals.unresolved++;
    if (values.all || values.order || !r.balanced || open) console.log(line(r, p));
  };
  try {
    const ledger = new TypeormLedger(ds);
    if (values.order) {
      const p = await new TypeormPaymentRepository(ds).find(values.order);
      report(reconcile(values.order, await ledger.lines(values.order, p?.customerId), p && figuresOf(p)), p);
    } else {
      let after = '';
      for (;;) {
        const page = await ledger.page(after, 500);
        for (const { payment, lines } of page) report(reconcile(payment.orderId, lines, figuresOf(payment)), payment);
        if (page.length < 500) break;
        after = page[page.length - 1]?.payment.orderId ?? after;
      }
      for (const o of await ledger.orphans()) report(reconcile(o.orderId, o.lines));
    }
  } finally {
    await ds.destroy();
  }
  console.log(JSON.stringify(totals));
  return totals.unbalanced ? 1 : totals.unresolved ? 2 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(`[reconcile] ${err instanceof Error ? err.message : err}`);
    process.exitCode = 1;
  },
);
