import { DomainError } from '@dbcarts/errors';
import { IdempotencyInProgressError, IdempotencyKeyReusedError } from '../domain/order.errors';
import { failureResponse } from './order.view';
import type { IdempotencyClaim, OrderRepositoryPort, StoredResponse } from './ports/order.repository.port';

/**
 * Runs `work` once per (customer, Idempotency-Key): a repeat gets the first answer, a repeat with
 * another body 422, one while the first still runs 409. A refusal is an answer like any other; a
 * fault (kind `unavailable`, or unexpected) releases the key so a retry starts afresh.
 */
export async function runOnce(
  orders: OrderRepositoryPort,
  claim: { customerId: string; key: string; hash: string; orderId: string },
  work: () => Promise<StoredResponse>,
): Promise<{ response: StoredResponse; replayed: boolean }> {
  const earlier = earlierAnswer(await orders.claimKey(claim.customerId, claim.key, claim.hash, claim.orderId));
  if (earlier) return earlier;
  let response: StoredResponse;
  try {
    response = await work();
  } catch (e) {
    if (!(e instanceof DomainError) || e.kind === 'unavailable') {
      await orders.releaseKey(claim.customerId, claim.key);
      throw e;
    }
    response = failureResponse(e);
  }
  await orders.completeKey(claim.customerId, claim.key, response);
  return { response, replayed: false };
}

/** What a key claimed before answers now (a replay, or a 409/422 refusal); undefined for a new claim. */
export function earlierAnswer(found: IdempotencyClaim): { response: StoredResponse; replayed: true } | undefined {
  if (found.kind === 'replay') return { response: found.response, replayed: true };
  if (found.kind === 'in_progress') throw new IdempotencyInProgressError();
  if (found.kind === 'reused') throw new IdempotencyKeyReusedError();
  return undefined;
}
