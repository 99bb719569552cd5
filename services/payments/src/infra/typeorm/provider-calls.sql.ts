import type { EntityManager } from 'typeorm';
import type { CallEnd, CallStart } from '../../app/ports/payment.repository.port';

// The provider call log, written inside the claim's and the finish's transactions (no commit of its
// own): a call row exists before the call leaves, its outcome arrives with the step's booking.

/** Logs a call of the order's provider; the row id, for its outcome later. */
export async function logCallStart(
  m: EntityManager,
  key: { customerId: string; orderId: string },
  attempt: number,
  call: CallStart,
): Promise<string> {
  const result = (await m.query(
    `INSERT INTO provider_calls (customer_id, order_id, provider, idempotency_key, attempt)
     SELECT customer_id, order_id, provider, ?, ? FROM payments WHERE customer_id = ? AND order_id = ?`,
    [call.idempotencyKey, attempt, key.customerId, key.orderId],
  )) as { insertId?: number | string };
  return String(result.insertId);
}

export async function logCallEnd(
  m: EntityManager,
  customerId: string,
  callId: string | undefined,
  end: CallEnd | undefined,
): Promise<void> {
  if (!callId || !end) return;
  await m.query(
    'UPDATE provider_calls SET outcome = ?, detail = ?, finished_at = NOW(3) WHERE customer_id = ? AND id = ?',
    [end.outcome, end.detail ?? null, customerId, callId],
  );
}
