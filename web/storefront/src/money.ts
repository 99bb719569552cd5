export interface Money {
  amount: number;
  currency: string;
}

const formats = new Map<string, Intl.NumberFormat>();

/** Integer minor units + ISO currency, formatted for the reader's locale (e.g. 1999 USD → $19.99). */
export function formatMoney(m: Money, locale?: string): string {
  const key = `${locale ?? ''}|${m.currency}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: 'currency', currency: m.currency });
    formats.set(key, f);
  }
  const digits = f.resolvedOptions().maximumFractionDigits ?? 2;
  return f.format(m.amount / 10 ** digits);
}

/** A price typed in major units ("19.99") as minor units of a 2-decimal currency; empty → undefined. */
export function toMinor(major: string): number | undefined {
  const t = major.trim();
  if (!t) return undefined;
  const n = Number(t);
  return Number.isFinite(n) && n >= 0 ? Math.round(n * 100) : undefined;
}
