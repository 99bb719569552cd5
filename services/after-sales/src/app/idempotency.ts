import { DomainError } from '@dbcarts/errors';
import { toProblem } from '@dbcarts/http';
import type { StoredAnswer } from './ports/after-sales.ports';

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
