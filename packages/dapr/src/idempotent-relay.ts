import { DependencyUnavailableError } from '@dbcarts/errors';
import type { Sidecar } from './sidecar';

/** An answer relayed as it is: idempotent routes replay a stored status and body (problem or not). */
export interface RelayedAnswer {
  status: number;
  body: unknown;
  replayed: boolean;
}

/**
 * POSTs an idempotent write (under the caller's Idempotency-Key) to `appId` and returns whatever the
 * service itself answered — a stored 402 or 422 replays as it was — so the gateway relays it.
 * Only the service's own answers count: a success with no body, or a failure that is not its
 * problem+json (its sidecar's error, an empty reply while it shut down), is the service being
 * unavailable (DependencyUnavailableError: 503 + Retry-After), and the client retries under the same key.
 */
export async function relayIdempotent(
  sidecar: Sidecar,
  appId: string,
  path: string,
  opts: { key: string; body: unknown; timeoutMs: number; publicName: string },
): Promise<RelayedAnswer> {
  const res = await sidecar.invokeServiceAnswer(appId, 'POST', path, {
    body: opts.body,
    headers: { 'idempotency-key': opts.key },
    timeoutMs: opts.timeoutMs,
  });
  const answer = res.body as { code?: unknown } | string | null | undefined;
  const own =
    res.status < 400
      ? answer !== undefined && answer !== ''
      : typeof answer === 'object' && answer !== null && typeof answer.code === 'string';
  if (!own) {
    throw new DependencyUnavailableError(appId, `HTTP ${res.status} without an answer of its own`, {
      publicName: opts.publicName,
    });
  }
  return { status: res.status, body: res.body, replayed: res.headers.get('idempotent-replayed') === 'true' };
}
