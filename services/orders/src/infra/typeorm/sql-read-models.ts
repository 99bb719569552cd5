import { isDuplicateKey } from '@dbcarts/db';
import type { DataSource } from 'typeorm';
import type { OrderEvent } from '../../../contract';
import type { InvoiceStorePort, OrderHistoryPort, OrderSummary } from '../../app/ports/read-models.port';
import { type Invoice, invoiceNumber } from '../../domain/invoice';

interface HistoryRow {
  order_id: string;
  customer_id: string;
  status: string;
  currency: string;
  total: string | number;
  item_count: number;
  created_at: Date;
  updated_at: Date;
}

/** The order history read model: one row per order, moved only by a newer event version. */
export class SqlOrderHistory implements OrderHistoryPort {
  constructor(private readonly ds: DataSource) {}

  async apply(e: OrderEvent): Promise<boolean> {
    const items = e.items.reduce((n, i) => n + i.quantity, 0);
    // Insert, or update only if this event is newer: a late or repeated event never moves it back.
    const result = await this.ds.query(
      `INSERT INTO order_history (order_id, customer_id, status, currency, total, item_count, version, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE
         status = IF(VALUES(version) > version, VALUES(status), status),
         updated_at = IF(VALUES(version) > version, VALUES(updated_at), updated_at),
         version = GREATEST(version, VALUES(version))`,
      [
        e.orderId,
        e.customerId,
        e.status,
        e.total.currency,
        e.total.amount,
        items,
        e.version,
        new Date(e.occurredAt),
        new Date(e.occurredAt),
      ],
    );
    return Number((result as { affectedRows?: number }).affectedRows ?? 0) > 0;
  }

  async list(customerId: string, page: number, pageSize: number) {
    const rows = (await this.ds.query(
      'SELECT * FROM order_history WHERE customer_id = ? ORDER BY created_at DESC, order_id DESC LIMIT ? OFFSET ?',
      [customerId, pageSize, (page - 1) * pageSize],
    )) as HistoryRow[];
    const [count] = await this.ds.query('SELECT COUNT(*) AS n FROM order_history WHERE customer_id = ?', [customerId]);
    return { items: rows.map(toSummary), total: Number(count?.n ?? 0) };
  }

  async listAll(q: { status?: string; from?: Date; to?: Date; page: number; pageSize: number }) {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.status) where.push('status = ?') && params.push(q.status);
    if (q.from) where.push('created_at >= ?') && params.push(q.from);
    if (q.to) where.push('created_at < ?') && params.push(q.to);
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const rows = (await this.ds.query(
      `/* broadcast: admin lists every customer's orders */ SELECT * FROM order_history ${clause} ORDER BY created_at DESC, order_id DESC LIMIT ? OFFSET ?`,
      [...params, q.pageSize, (q.page - 1) * q.pageSize],
    )) as HistoryRow[];
    const [count] = await this.ds.query(
      `/* broadcast: admin lists every customer's orders */ SELECT COUNT(*) AS n FROM order_history ${clause}`,
      params,
    );
    return { items: rows.map((r) => ({ ...toSummary(r), customerId: r.customer_id })), total: Number(count?.n ?? 0) };
  }
}

function toSummary(r: HistoryRow): OrderSummary {
  return {
    id: r.order_id,
    status: r.status,
    total: { amount: Number(r.total), currency: r.currency },
    itemCount: Number(r.item_count),
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

/**
 * Invoices with gapless numbers per year: the year's counter row is advanced (and so locked) in the
 * same transaction that stores the invoice, so numbers are consecutive and a failed insert gives its
 * number back. An order already invoiced keeps its first invoice.
 */
export class SqlInvoiceStore implements InvoiceStorePort {
  constructor(private readonly ds: DataSource) {}

  async issue(orderId: string, issuedAt: Date, build: (number: string) => Invoice): Promise<Invoice> {
    const existing = await this.find(orderId);
    if (existing) return existing;
    const year = issuedAt.getUTCFullYear();
    try {
      return await this.ds.transaction(async (m) => {
        // One statement takes the year's row exclusively and advances it. (INSERT IGNORE, then SELECT
        // ... FOR UPDATE took a shared lock first and deadlocked concurrent issuers upgrading it.)
        await m.query(
          'INSERT INTO invoice_counters (year, last_seq) VALUES (?, 1) ON DUPLICATE KEY UPDATE last_seq = last_seq + 1',
          [year],
        );
        const [row] = await m.query('SELECT last_seq FROM invoice_counters WHERE year = ?', [year]);
        const seq = Number(row.last_seq);
        const invoice = build(invoiceNumber(year, seq));
        await m.query('INSERT INTO invoices (number, order_id, customer_id, issued_at, body) VALUES (?, ?, ?, ?, ?)', [
          invoice.number,
          orderId,
          invoice.customerId,
          issuedAt,
          JSON.stringify(invoice),
        ]);
        return invoice;
      });
    } catch (e) {
      // Two deliveries of one orders.confirmed at once: the other one issued it (and kept the number).
      if (isDuplicateKey(e)) {
        const first = await this.find(orderId);
        if (first) return first;
      }
      throw e;
    }
  }

  async find(orderId: string): Promise<Invoice | undefined> {
    const [row] = await this.ds.query('SELECT body FROM invoices WHERE order_id = ?', [orderId]);
    if (!row) return undefined;
    const body = typeof row.body === 'string' ? JSON.parse(row.body) : row.body;
    return { ...body, issuedAt: new Date(body.issuedAt) };
  }
}
