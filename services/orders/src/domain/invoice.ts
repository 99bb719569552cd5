import type { Money } from './order.types';

/**
 * VAT/sales-tax rate by shipping country (percent, in basis points to stay in integers). Prices
 * in the catalog are gross (what the customer pays), so an invoice splits each line into net and
 * tax at the destination's rate; unknown destinations are invoiced at 0 (export outside the table).
 */
export const TAX_RATE_BP: Readonly<Record<string, number>> = {
  DE: 1900,
  FR: 2000,
  NL: 2100,
  ES: 2100,
  IT: 2200,
  AT: 2000,
  BE: 2100,
  SE: 2500,
  PL: 2300,
  GB: 2000,
  CH: 810,
  US: 0,
  CA: 500,
};

export interface InvoiceLine {
  sku: string;
  name: string;
  quantity: number;
  unitPrice: Money;
  net: Money;
  tax: Money;
  gross: Money;
}

export interface Invoice {
  /** Gapless per calendar year: 2026-000001, 2026-000002, ... */
  number: string;
  orderId: string;
  customerId: string;
  issuedAt: Date;
  country: string;
  taxRatePercent: number;
  lines: InvoiceLine[];
  net: Money;
  tax: Money;
  gross: Money;
  /** Discounts are shown as given; they reduce the gross before tax is split. */
  discount: Money;
}

export function invoiceNumber(year: number, seq: number): string {
  return `${year}-${String(seq).padStart(6, '0')}`;
}

/** The tax inside a gross amount at `bp` basis points, rounded half up to the minor unit. */
export function taxOf(gross: number, bp: number): number {
  return Math.round((gross * bp) / (10_000 + bp));
}

export function buildInvoice(input: {
  number: string;
  orderId: string;
  customerId: string;
  issuedAt: Date;
  country: string;
  currency: string;
  lines: { sku: string; name: string; quantity: number; unitPrice: number }[];
  discount: number;
}): Invoice {
  const bp = TAX_RATE_BP[input.country] ?? 0;
  const m = (amount: number): Money => ({ amount, currency: input.currency });
  const lines = input.lines.map((l) => {
    const gross = l.unitPrice * l.quantity;
    const tax = taxOf(gross, bp);
    return {
      sku: l.sku,
      name: l.name,
      quantity: l.quantity,
      unitPrice: m(l.unitPrice),
      net: m(gross - tax),
      tax: m(tax),
      gross: m(gross),
    };
  });
  // Tax on the total after discount, so the invoice adds up to what was charged to the cent.
  const gross = lines.reduce((s, l) => s + l.gross.amount, 0) - input.discount;
  const tax = taxOf(gross, bp);
  return {
    number: input.number,
    orderId: input.orderId,
    customerId: input.customerId,
    issuedAt: input.issuedAt,
    country: input.country,
    taxRatePercent: bp / 100,
    lines,
    net: m(gross - tax),
    tax: m(tax),
    gross: m(gross),
    discount: m(input.discount),
  };
}
