import { describe, expect, it } from 'vitest';
import { buildInvoice, invoiceNumber, taxOf } from './invoice';

describe('invoices', () => {
  it('numbers per year with six digits', () => {
    expect(invoiceNumber(2026, 1)).toBe('2026-000001');
    expect(invoiceNumber(2027, 123456)).toBe('2027-123456');
  });

  it('splits gross prices into net and tax at the destination rate, adding up to the cent', () => {
    expect(taxOf(11900, 1900)).toBe(1900);
    const inv = buildInvoice({
      number: '2026-000001',
      orderId: 'o',
      customerId: 'c',
      issuedAt: new Date(0),
      country: 'DE',
      currency: 'EUR',
      lines: [
        { sku: 'A', name: 'A', quantity: 3, unitPrice: 999 },
        { sku: 'B', name: 'B', quantity: 1, unitPrice: 1 },
      ],
      discount: 0,
    });
    expect(inv.gross.amount).toBe(2998);
    expect(inv.net.amount + inv.tax.amount).toBe(inv.gross.amount);
    expect(inv.taxRatePercent).toBe(19);
    for (const l of inv.lines) expect(l.net.amount + l.tax.amount).toBe(l.gross.amount);
  });

  it('invoices an unknown destination without tax', () => {
    const inv = buildInvoice({
      number: 'x',
      orderId: 'o',
      customerId: 'c',
      issuedAt: new Date(0),
      country: 'ZZ',
      currency: 'USD',
      lines: [{ sku: 'A', name: 'A', quantity: 1, unitPrice: 500 }],
      discount: 100,
    });
    expect(inv.tax.amount).toBe(0);
    expect(inv.gross.amount).toBe(400);
  });
});
