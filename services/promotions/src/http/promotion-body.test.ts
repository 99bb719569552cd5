import { describe, expect, it } from 'vitest';
import { CreatePromotionBody, ReserveBody } from '../../contract';

const future = new Date(Date.now() + 86_400_000).toISOString();
const later = new Date(Date.now() + 2 * 86_400_000).toISOString();

/** The fields a refused body names, as REQUEST.INVALID lists them. */
function refused(body: unknown): string[] {
  const r = CreatePromotionBody.safeParse(body);
  return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
}

describe('CreatePromotionBody: every field checked', () => {
  it('takes a coupon and upper-cases its code; scope lists lose duplicates', () => {
    const b = CreatePromotionBody.parse({ code: 'summer-10', kind: 'percent', value: 10, skus: ['A-1', 'A-1'] });
    expect(b).toMatchObject({ code: 'SUMMER-10', minSubtotal: 0, skus: ['A-1'], departments: [] });
  });

  it('refuses what the rules cannot apply', () => {
    expect(refused({ code: 'X10', kind: 'percent', value: 101 })).toEqual(['value']);
    expect(refused({ code: 'X10', kind: 'fixed', value: 500 })).toEqual(['currency']);
    expect(refused({ code: 'X10', kind: 'percent', value: 5, minSubtotal: 100 })).toEqual(['currency']);
    expect(refused({ code: 'X10', kind: 'percent', value: 5, startsAt: later, endsAt: future })).toEqual(['endsAt']);
    expect(refused({ code: 'X10', kind: 'percent', value: 5, endsAt: '2020-01-01T00:00:00Z' })).toEqual(['endsAt']);
    expect(refused({ code: 'X10', kind: 'percent', value: 5, maxRedemptions: 1, maxPerCustomer: 2 })).toEqual([
      'maxPerCustomer',
    ]);
    expect(refused({ code: 'a b', kind: 'percent', value: 5 })).toEqual(['code']);
    expect(refused({ code: 'X10', kind: 'bogo', value: 5 })).toEqual(['kind']);
    expect(refused({ code: 'X10', kind: 'percent', value: 0.5 })).toEqual(['value']);
    expect(refused({ code: 'X10', kind: 'percent', value: 5, departments: ['Not A Slug'] })).toEqual(['departments.0']);
    expect(refused({ code: 'X10', kind: 'percent', value: 5, extra: true })).toEqual(['']);
  });

  it('an automatic discount (no code) is time-limited and has no caps', () => {
    expect(refused({ kind: 'percent', value: 20, departments: ['fashion'] })).toEqual(['endsAt']);
    expect(refused({ kind: 'percent', value: 20, endsAt: future, maxRedemptions: 10, maxPerCustomer: 1 })).toEqual([
      'maxRedemptions',
      'maxPerCustomer',
    ]);
    expect(refused({ kind: 'percent', value: 20, departments: ['fashion'], endsAt: future })).toEqual([]);
  });
});

describe('ReserveBody', () => {
  it('takes any coupon code a customer typed (a wrong one is PROMOTION.INVALID, not a 400)', () => {
    const body = {
      orderId: '4f1c2a9e-0000-4000-8000-000000000001',
      customerId: 'cust-1',
      couponCode: ' weird code! ',
      currency: 'EUR',
      lines: [{ sku: 'A-1', quantity: 1, unitPrice: 100 }],
    };
    expect(ReserveBody.parse(body).couponCode).toBe('weird code!');
  });
});
