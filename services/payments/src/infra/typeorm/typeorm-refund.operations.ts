import { isDuplicateKey } from '@dbcarts/db';
import type { DataSource, EntityManager } from 'typeorm';
import type { CallEnd, CallStart, ClaimedRefund, RefundOutcome } from '../../app/ports/payment.repository.port';
import type { Journal } from '../../domain/ledger';
import type { Payment } from '../../domain/payment';
import type { Refund } from '../../domain/refund';
import {
  affected,
  PAYMENT_COLUMNS,
  type PaymentRow,
  REFUND_COLUMNS,
  type RefundRow,
  toPayment,
  toRefund,
} from './payment.rows';
import { logCallEnd, logCallStart } from './provider-calls.sql';

// Refunds of one payment, each its own row (order id, refund id) and its own lease. Used by the
// payment repository (split out to keep each file to one concern).

const LEASE = 'DATE_ADD(NOW(3), INTERVAL ? MICROSECOND)';

export async function findRefund(
  ds: DataSource,
  p: { customerId: string; orderId: string },
  refundId: string,
): Promise<Refund | undefined> {
  const rows: RefundRow[] = await ds.query(
    `SELECT ${REFUND_COLUMNS} FROM refunds WHERE customer_id = ? AND order_id = ? AND refund_id = ?`,
    [p.customerId, p.orderId, refundId],
  );
  return rows[0] && toRefund(rows[0]);
}

export async function createRefund(
  ds: DataSource,
  r: { customerId: string; orderId: string; refundId: string; amount: number; leaseMs: number; call: CallStart },
): Promise<ClaimedRefund | 'exists' | 'exceeds'> {
  try {
    return await ds.transaction(async (m) => {
      // The payment row first: its lock orders concurrent refunds of one order (no deadlock), and
      // the condition is the invariant: never reserve more than is left of the capture.
      const reserved = await m.query(
        `UPDATE payments SET refund_reserved = refund_reserved + ?
         WHERE customer_id = ? AND order_id = ? AND status IN ('captured', 'partially_refunded')
           AND captured - refund_reserved >= ?`,
        [r.amount, r.customerId, r.orderId, r.amount],
      );
      if (affected(reserved) !== 1) return 'exceeds' as const;
      await m.query(
        `INSERT INTO refunds (customer_id, order_id, refund_id, amount, status, attempt, lease_until)
         VALUES (?, ?, ?, ?, 'pending', 1, ${LEASE})`,
        [r.customerId, r.orderId, r.refundId, r.amount, r.leaseMs * 1000],
      );
      const callId = await logCallStart(m, r, 1, r.call);
      return {
        orderId: r.orderId,
        customerId: r.customerId,
        refundId: r.refundId,
        amount: r.amount,
        status: 'pending' as const,
        attempt: 1,
        inFlight: true,
        callId,
      };
    });
  } catch (e) {
    if (isDuplicateKey(e)) return 'exists'; // rolled back: the reservation with it
    throw e;
  }
}

export async function claimRefund(ds: DataSource, r: Refund, leaseMs: number, call: CallStart) {
  return ds.transaction(async (m): Promise<ClaimedRefund | undefined> => {
    const result = await m.query(
      `UPDATE refunds SET attempt = attempt + 1, lease_until = ${LEASE}
       WHERE customer_id = ? AND order_id = ? AND refund_id = ? AND attempt = ? AND status = 'pending'
         AND (lease_until IS NULL OR lease_until < NOW(3))`,
      [leaseMs * 1000, r.customerId, r.orderId, r.refundId, r.attempt],
    );
    if (affected(result) !== 1) return undefined;
    const callId = await logCallStart(m, r, r.attempt + 1, call);
    return { ...r, attempt: r.attempt + 1, inFlight: true, callId };
  });
}

/**
 * Ends a claimed refund inside the caller's transaction: declined gives the reservation back,
 * unanswered keeps it (the provider may have refunded) and frees the lease for a retry, succeeded
 * adds it to the payment's refunds and `book`s its journal and event from the payment as updated.
 */
export async function finishRefund(
  m: EntityManager,
  claimed: ClaimedRefund,
  outcome: RefundOutcome,
  call: CallEnd,
  book: (journal: Journal, after: Payment) => Promise<void>,
): Promise<boolean> {
  const fence = [claimed.customerId, claimed.orderId, claimed.refundId, claimed.attempt];
  const where = `WHERE customer_id = ? AND order_id = ? AND refund_id = ? AND attempt = ? AND status = 'pending'`;
  if (outcome.status === 'unanswered') {
    if (affected(await m.query(`UPDATE refunds SET lease_until = NULL ${where}`, fence)) !== 1) return false;
  } else if (outcome.status === 'declined') {
    if (affected(await m.query(`UPDATE refunds SET status = 'declined', lease_until = NULL ${where}`, fence)) !== 1) {
      return false;
    }
    await m.query('UPDATE payments SET refund_reserved = refund_reserved - ? WHERE customer_id = ? AND order_id = ?', [
      claimed.amount,
      claimed.customerId,
      claimed.orderId,
    ]);
  } else {
    const marked = await m.query(
      `UPDATE refunds SET status = 'succeeded', provider_ref = ?, lease_until = NULL ${where}`,
      [outcome.providerRef, ...fence],
    );
    if (affected(marked) !== 1) return false;
    // status before refunded: MariaDB assigns left to right, so this compares the old sum plus this refund.
    await m.query(
      `UPDATE payments SET status = IF(refunded + ? >= captured, 'refunded', 'partially_refunded'),
         refunded = refunded + ? WHERE customer_id = ? AND order_id = ?`,
      [claimed.amount, claimed.amount, claimed.customerId, claimed.orderId],
    );
    const [row]: PaymentRow[] = await m.query(
      `SELECT ${PAYMENT_COLUMNS} FROM payments WHERE customer_id = ? AND order_id = ?`,
      [claimed.customerId, claimed.orderId],
    );
    if (!row) throw new Error(`payment ${claimed.orderId} vanished during a refund`);
    await book(outcome.journal, toPayment(row));
  }
  await logCallEnd(m, claimed.customerId, claimed.callId, call);
  return true;
}
