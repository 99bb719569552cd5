import type { Journal, LedgerLine } from '../../domain/ledger';
import type { Payment, PaymentStatus, ProviderName, Step } from '../../domain/payment';
import type { Refund } from '../../domain/refund';

// Row shapes and their mapping. mysql2 hands BIGINT and SUM() back as strings (no precision loss
// above 2^53); amounts are at most 10^8 minor units, so Number() is exact here.

export const PAYMENT_COLUMNS = `order_id, customer_id, provider, currency, amount, request_hash, status, provider_ref, capture_ref,
  captured, refunded, refund_reserved, step, attempt, provider_reached, decline_code, created_at, updated_at,
  (step IS NOT NULL AND lease_until >= NOW(3)) AS in_flight`;

export interface PaymentRow {
  order_id: string;
  customer_id: string;
  provider: string;
  currency: string;
  amount: string | number;
  request_hash: string;
  status: string;
  provider_ref: string | null;
  capture_ref: string | null;
  captured: string | number;
  refunded: string | number;
  refund_reserved: string | number;
  step: string | null;
  attempt: number;
  provider_reached: number;
  decline_code: string | null;
  created_at: Date;
  updated_at: Date;
  in_flight: number | string;
}

export function toPayment(r: PaymentRow): Payment {
  return {
    orderId: r.order_id,
    customerId: r.customer_id,
    provider: r.provider as ProviderName,
    currency: r.currency,
    amount: Number(r.amount),
    requestHash: r.request_hash,
    status: r.status as PaymentStatus,
    providerRef: r.provider_ref ?? undefined,
    captureRef: r.capture_ref ?? undefined,
    captured: Number(r.captured),
    refunded: Number(r.refunded),
    refundReserved: Number(r.refund_reserved),
    step: (r.step as Step | null) ?? undefined,
    attempt: Number(r.attempt),
    inFlight: Number(r.in_flight) === 1,
    providerReached: Number(r.provider_reached) === 1,
    declineCode: r.decline_code ?? undefined,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export const REFUND_COLUMNS = `order_id, customer_id, refund_id, amount, status, attempt, provider_ref,
  (status = 'pending' AND lease_until >= NOW(3)) AS in_flight`;

export interface RefundRow {
  order_id: string;
  customer_id: string;
  refund_id: string;
  amount: string | number;
  status: string;
  attempt: number;
  provider_ref: string | null;
  in_flight: number | string;
}

export function toRefund(r: RefundRow): Refund {
  return {
    orderId: r.order_id,
    customerId: r.customer_id,
    refundId: r.refund_id,
    amount: Number(r.amount),
    status: r.status as Refund['status'],
    attempt: Number(r.attempt),
    inFlight: Number(r.in_flight) === 1,
    providerRef: r.provider_ref ?? undefined,
  };
}

export interface LedgerRow {
  order_id: string;
  journal: string;
  kind: string;
  account: string;
  debit: string | number;
  credit: string | number;
  currency: string;
}

export function toLine(r: LedgerRow): LedgerLine {
  return {
    key: r.journal,
    kind: r.kind as LedgerLine['kind'],
    account: r.account as LedgerLine['account'],
    debit: Number(r.debit),
    credit: Number(r.credit),
    currency: r.currency,
  };
}

/**
 * One multi-row INSERT of a journal's two postings (the unique key refuses a second booking), on
 * the shard of the payment's customer.
 */
export function journalInsert(j: Journal, customerId: string): { sql: string; params: unknown[] } {
  return {
    sql: `INSERT INTO ledger_entries (customer_id, order_id, journal, kind, account, debit, credit, currency)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?, ?, ?)`,
    params: j.postings.flatMap((p) => [customerId, j.orderId, j.key, j.kind, p.account, p.debit, p.credit, j.currency]),
  };
}

/**
 * The reads of payments that visit every shard on purpose (ShardingSphere scatters a read without
 * the shard key and merges; its auditor refuses only DML without it), each marked in its SQL so the
 * shard-key test (test/shard-key.int.test.ts) tells them from a forgotten key. Every write names
 * customer_id, taken from the payment row such a read found.
 */
export const BROADCAST = {
  /** The payments API (orders' calls, GET /payments/{orderId}) names an order, not its customer. */
  byOrderId: '/* broadcast: the payments API addresses a payment by order id */',
  /** A provider's webhook names its own reference, no customer and no order of ours. */
  byProviderRef: "/* broadcast: a webhook names the provider's reference only */",
  /** The reconciliation batch walks every payment and every ledger line. */
  reconciliation: '/* broadcast: reconciliation walks every shard */',
} as const;

/** The affected-row count of an UPDATE/INSERT through TypeORM's mysql driver (raw ResultSetHeader). */
export function affected(result: unknown): number {
  const r = result as { affectedRows?: number } | [unknown, number] | undefined;
  if (Array.isArray(r)) return Number(r[1] ?? 0);
  return Number(r?.affectedRows ?? 0);
}
