import { describe, expect, it } from 'vitest';
import type { Payment } from './payment';
import { planNotice, type ProviderNotice } from './provider-notice';

const payment = (status: Payment['status']) => ({ status }) as Payment;
const notice = (kind: ProviderNotice['kind']): ProviderNotice => ({
  provider: 'stripe',
  eventId: 'evt_1',
  type: 't',
  kind,
  ref: 'pi_1',
});

describe('provider notices', () => {
  it('move only an authorized payment: a capture captures, a release voids', () => {
    expect(planNotice(payment('authorized'), notice('captured'))).toBe('capture');
    expect(planNotice(payment('authorized'), notice('released'))).toBe('void');
  });

  it('leave everything else alone (already moved, not ours, or nothing to do)', () => {
    for (const s of ['captured', 'voided', 'refunded', 'pending', 'failed', 'declined'] as const) {
      expect(planNotice(payment(s), notice('captured'))).toBe('none');
      expect(planNotice(payment(s), notice('released'))).toBe('none');
    }
    expect(planNotice(undefined, notice('captured'))).toBe('none');
    expect(planNotice(payment('authorized'), notice('other'))).toBe('none');
  });
});
