import type { DataSource } from 'typeorm';
import type { LedgerPort } from '../../app/ports/ledger.port';
import type { LedgerLine } from '../../domain/ledger';
import type { Payment } from '../../domain/payment';
import { BROADCAST, type LedgerRow, PAYMENT_COLUMNS, type PaymentRow, toLine, toPayment } from './payment.rows';

const LINE_COLUMNS = 'order_id, journal, kind, account, debit, credit, currency';

export class TypeormLedger implements LedgerPort {
  constructor(private readonly ds: DataSource) {}

  async lines(orderId: string, customerId?: string): Promise<LedgerLine[]> {
    const rows: LedgerRow[] =
      customerId === undefined
        ? await this.ds.query(
            `${BROADCAST.byOrderId} SELECT ${LINE_COLUMNS} FROM ledger_entries WHERE order_id = ? ORDER BY id`,
            [orderId],
          )
        : await this.ds.query(
            `SELECT ${LINE_COLUMNS} FROM ledger_entries WHERE customer_id = ? AND order_id = ? ORDER BY id`,
            [customerId, orderId],
          );
    return rows.map(toLine);
  }

  async page(afterOrderId: string, limit: number): Promise<{ payment: Payment; lines: LedgerLine[] }[]> {
    const rows: PaymentRow[] = await this.ds.query(
      `${BROADCAST.reconciliation} SELECT ${PAYMENT_COLUMNS} FROM payments WHERE order_id > ? ORDER BY order_id LIMIT ?`,
      [afterOrderId, limit],
    );
    if (!rows.length) return [];
    const lines = await this.linesOf(rows.map((r) => r.order_id));
    return rows.map((r) => ({ payment: toPayment(r), lines: lines.get(r.order_id) ?? [] }));
  }

  async orphans(): Promise<{ orderId: string; lines: LedgerLine[] }[]> {
    const ids: { order_id: string }[] = await this.ds.query(
      `${BROADCAST.reconciliation} SELECT DISTINCT l.order_id FROM ledger_entries l
       LEFT JOIN payments p ON p.customer_id = l.customer_id AND p.order_id = l.order_id
       WHERE p.order_id IS NULL LIMIT 1000`,
    );
    const lines = await this.linesOf(ids.map((r) => r.order_id));
    return [...lines].map(([orderId, l]) => ({ orderId, lines: l }));
  }

  private async linesOf(orderIds: string[]): Promise<Map<string, LedgerLine[]>> {
    const out = new Map<string, LedgerLine[]>();
    if (!orderIds.length) return out;
    const rows: LedgerRow[] = await this.ds.query(
      `${BROADCAST.reconciliation} SELECT ${LINE_COLUMNS} FROM ledger_entries WHERE order_id IN (?) ORDER BY id`,
      [orderIds],
    );
    for (const r of rows) {
      const list = out.get(r.order_id) ?? [];
      list.push(toLine(r));
      out.set(r.order_id, list);
    }
    return out;
  }
}
