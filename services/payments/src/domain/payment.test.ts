import { describe, expect, it } from 'vitest';
import {
  assertRefundable,
  decideAuthorize,
  decideCapture,
  decideVoid,
  type Payment,
  type PaymentStatus,
  providerKey,
} from './payment';
import { InvalidPaymentStateError, PaymentDeclinedError, PaymentNotFoundError } from './payment.errors';
import { decideRefund } from './refund';

const ORDER = '6f1c1f8e-8a55-4a59-9d55-1f1b7c0f0a01';
const payment = (status: PaymentStatus, extra: Partial<Payment> = {}): Payment => ({
  orderId: ORDER,
  customerId: 'c1',
  provider: 'test',
  currency: 'EUR',
  amount: 1000,
  requestHash: 'h',
  status,
  captured: 0,
  refunded: 0,
  refundReserved: 0,
  attempt: 1,
  inFlight: false,
  providerReached: true,
  createdAt: new Date(),
  updatedAt: new Date(),
  ...extra,
});

describe('payment state machine', () => {
  it('authorize replays answer the payment; a decline replays as a decline; never a second authorization after a release', () => {
    for (const s of ['authorized', 'captured', 'partially_refunded', 'refunded'] as const) {
      expect(decideAuthorize(payment(s), 'h')).toEqual({ do: 'answer' });
    }
    expect(() => decideAuthorize(payment('declined'), 'h')).toThrow(PaymentDeclinedError);
    expect(() => decideAuthorize(payment('voided'), 'h')).toThrow(InvalidPaymentStateError);
    expect(() => decideAuthorize(payment('cancelled', { requestHash: '' }), 'h')).toThrow(InvalidPaymentStateError);
    expect(decideAuthorize(payment('failed'), 'h')).toEqual({ do: 'call', step: 'authorize' });
  });

  it('the same order with another request is refused', () => {
    expect(() => decideAuthorize(payment('authorized'), 'other')).toThrow(/other values/);
  });

  it('a live step is waited for; an abandoned one (lease run out) is taken over', () => {
    expect(decideAuthorize(payment('pending', { step: 'authorize', inFlight: true }), 'h')).toEqual({ do: 'wait' });
    expect(decideAuthorize(payment('pending', { step: 'authorize', inFlight: false }), 'h')).toEqual({
      do: 'call',
      step: 'authorize',
    });
    expect(decideVoid(payment('authorized', { step: 'capture', inFlight: true }))).toEqual({ do: 'wait' });
  });

  it('capture: once from authorized, a replay after; never after a void', () => {
    expect(decideCapture(payment('authorized'))).toEqual({ do: 'call', step: 'capture' });
    expect(decideCapture(payment('captured'))).toEqual({ do: 'answer' });
    expect(() => decideCapture(payment('voided'))).toThrow(InvalidPaymentStateError);
    expect(() => decideCapture(payment('declined'))).toThrow(PaymentNotFoundError);
  });

  it('void: releases an authorization; an unanswered one is released by key, one that never reached the provider is just ended', () => {
    expect(decideVoid(payment('authorized'))).toEqual({ do: 'call', step: 'void' });
    expect(decideVoid(payment('voided'))).toEqual({ do: 'answer' });
    expect(decideVoid(payment('failed', { providerReached: true }))).toEqual({ do: 'cancel', release: true });
    expect(decideVoid(payment('failed', { providerReached: false }))).toEqual({ do: 'cancel', release: false });
    expect(() => decideVoid(payment('captured'))).toThrow(InvalidPaymentStateError);
    expect(() => decideVoid(payment('declined'))).toThrow(PaymentNotFoundError);
  });

  it('refunds only out of what is left of the capture', () => {
    expect(() => assertRefundable(payment('authorized'), 1)).toThrow(InvalidPaymentStateError);
    expect(() => assertRefundable(payment('declined'), 1)).toThrow(PaymentNotFoundError);
    const p = payment('partially_refunded', { captured: 1000, refunded: 300, refundReserved: 400 });
    expect(() => assertRefundable(p, 600)).not.toThrow();
    expect(() => assertRefundable(p, 601)).toThrow(/refund more than/);
  });

  it('a refund id replays its first outcome and refuses another amount', () => {
    const r = { orderId: ORDER, refundId: 'r1', amount: 100, attempt: 1, inFlight: false };
    expect(decideRefund({ ...r, status: 'succeeded' }, 100)).toBe('answer');
    expect(decideRefund({ ...r, status: 'pending', inFlight: true }, 100)).toBe('wait');
    expect(decideRefund({ ...r, status: 'pending' }, 100)).toBe('call');
    expect(() => decideRefund({ ...r, status: 'declined' }, 100)).toThrow(PaymentDeclinedError);
    expect(() => decideRefund({ ...r, status: 'succeeded' }, 99)).toThrow(/other values/);
  });

  it('provider keys name the order and the step', () => {
    expect(providerKey(ORDER, 'authorize')).toBe(`${ORDER}:authorize`);
    expect(providerKey(ORDER, 'refund:r-1')).toBe(`${ORDER}:refund:r-1`);
  });
});
