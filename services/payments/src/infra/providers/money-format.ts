// Minor units ↔ the decimal strings PayPal's API takes. The exponent per currency is ISO 4217's,
// except where PayPal allows no decimals (HUF, TWD: whole units only).
const ZERO = new Set(['JPY', 'KRW', 'VND', 'CLP', 'ISK', 'HUF', 'TWD', 'XOF', 'XAF', 'UGX', 'PYG']);
const THREE = new Set(['BHD', 'KWD', 'JOD', 'OMR', 'TND', 'IQD', 'LYD']);

export function exponent(currency: string): number {
  return ZERO.has(currency) ? 0 : THREE.has(currency) ? 3 : 2;
}

/** 12345 EUR → "123.45"; 500 JPY → "500". Exact: integer arithmetic, no floating point. */
export function toDecimal(amount: number, currency: string): string {
  const e = exponent(currency);
  if (e === 0) return String(amount);
  const s = String(amount).padStart(e + 1, '0');
  return `${s.slice(0, -e)}.${s.slice(-e)}`;
}
