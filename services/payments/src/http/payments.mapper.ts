import type { PaymentDto, PaymentStatus, ReconciliationDto } from '../../contract';
import type { Reconciliation } from '../domain/ledger';
import type { Payment } from '../domain/payment';

/** The public view of a payment: named fields only (no provider ref, hash, lease or attempt). */
export function toPaymentDto(p: Payment): PaymentDto {
  return {
    orderId: p.orderId,
    provider: p.provider,
    // Only visible statuses reach here (the use cases answer 404 for the others).
    status: p.status as PaymentStatus,
    amount: { amount: p.amount, currency: p.currency },
    captured: p.captured,
    refunded: p.refunded,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

export function toReconciliationDto(r: Reconciliation): ReconciliationDto {
  return {
    orderId: r.orderId,
    currency: r.currency,
    authorized: r.authorized,
    captured: r.captured,
    voided: r.voided,
    refunded: r.refunded,
    held: r.held,
    balanced: r.balanced,
  };
}
