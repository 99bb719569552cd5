import { randomUUID } from 'node:crypto';
import { scratchDatabase } from '@dbcarts/testing';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildInvoice } from '../src/domain/invoice';
import { createOrdersDataSource } from '../src/infra/typeorm/data-source';
import { SqlInvoiceStore } from '../src/infra/typeorm/sql-read-models';

// Invoice numbers under concurrency, on a real MariaDB database of the test's own: gapless per
// year, one invoice per order, and no deadlock between issuers (orders.confirmed is consumed by up
// to 64 deliveries at once).
let ds: DataSource;
let db: Awaited<ReturnType<typeof scratchDatabase>>;

beforeAll(async () => {
  db = await scratchDatabase('invoices');
  ds = createOrdersDataSource(db.url);
  await ds.initialize();
  await ds.runMigrations();
});
afterAll(async () => {
  await ds?.destroy();
  await db?.drop();
});

const issue = (store: SqlInvoiceStore, orderId: string) => {
  const issuedAt = new Date();
  return store.issue(orderId, issuedAt, (number) =>
    buildInvoice({
      number,
      orderId,
      customerId: 'c1',
      issuedAt,
      country: 'DE',
      currency: 'EUR',
      lines: [{ sku: 'A-1', name: 'A', quantity: 1, unitPrice: 1190 }],
      discount: 0,
    }),
  );
};

describe('invoice numbers', () => {
  it('40 concurrent issuers (8 of them repeating an order) get gapless numbers, one per order, no deadlock', async () => {
    const store = new SqlInvoiceStore(ds);
    const orders = Array.from({ length: 32 }, () => randomUUID());
    const calls = [...orders, ...orders.slice(0, 8)].map((id) => issue(store, id));
    const invoices = await Promise.all(calls);
    const numbers = new Set(invoices.map((i) => i.number));
    expect(numbers.size).toBe(32);
    const year = new Date().getUTCFullYear();
    const seqs = [...numbers].map((n) => Number(n.split('-')[1])).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
    for (const n of numbers) expect(n.startsWith(`${year}-`)).toBe(true);
    const [[counter]] = (await ds
      .query('SELECT last_seq FROM invoice_counters WHERE year = ?', [year])
      .then((r) => [r])) as [{ last_seq: number }[]];
    expect(Number(counter?.last_seq)).toBe(32);
  });
});
