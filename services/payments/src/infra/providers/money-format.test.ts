import { describe, expect, it } from 'vitest';
import { toDecimal } from './money-format';

describe('minor units to PayPal decimal strings', () => {
  it('is exact for two, zero and three decimal currencies', () => {
    expect(toDecimal(2599, 'EUR')).toBe('25.99');
    expect(toDecimal(5, 'USD')).toBe('0.05');
    expect(toDecimal(100_000_000, 'USD')).toBe('1000000.00');
    expect(toDecimal(500, 'JPY')).toBe('500');
    expect(toDecimal(1234, 'KWD')).toBe('1.234');
    expect(toDecimal(7, 'BHD')).toBe('0.007');
  });
});
