import { createHash } from 'node:crypto';
import { DomainError } from '@dbcarts/errors';
import { toProblem } from '@dbcarts/http';
import type { StoredAnswer } from './ports/after-sales.ports';

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
 * A refusal (WARRANTY.EXPIRED...) is an answer like a success: stored under the key and replayed.
 * A fault (kind `unavailable`, or anything unexpected) is thrown, so the key's transaction rolls back
 * and a retry starts afresh.
 */
export async function refusalsAsAnswers(work: () => Promise<StoredAnswer>): Promise<StoredAnswer> {
  try {
    return await work();
  } catch (e) {
    if (!(e instanceof DomainError) || e.kind === 'unavailable') throw e;
    const body = toProblem(e);
    delete body.requestId; // the first request's id, not the replay's: dropped from the stored answer
    return { status: body.status, body };
  }
}
