import { createHash } from 'node:crypto';
import { DomainError } from '@dbcarts/errors';
import { IdempotencyInProgressError, IdempotencyKeyReusedError } from '../domain/order.errors';
import type { IdempotencyClaim, OrderRepositoryPort, StoredResponse } from './ports/order.repository.port';
import { failureResponse } from './order.view';

/** The hash a key is bound to: the request's meaning (route + body), not its bytes' order. */
export function requestHash(route: string, body: unknown): string {
  return createHash('sha256').update(route).update('\n').update(canonicalJson(body)).digest('hex');
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

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
