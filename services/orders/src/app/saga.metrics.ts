import { counter, histogram } from '@dbcarts/metrics';
import type { StoredResponse } from './ports/order.repository.port';

type Outcome = 'confirmed' | 'compensated' | 'failed' | 'unfinished';

const outcomes = counter<'outcome' | 'code'>({
  name: 'checkout_saga_outcomes_total',
  help: 'Checkout sagas by outcome: confirmed, compensated (undone after a step was refused), failed (refused before any step), unfinished (left to the recovery sweep); code: the refusal code',
  labelNames: ['outcome', 'code'],
});
const duration = histogram<'outcome'>({
  name: 'checkout_saga_duration_seconds',
  help: 'Time from the order being recorded to its saga answering, by outcome',
  labelNames: ['outcome'],
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
});

// Codes are our own stable error codes (a bounded set); anything else is folded into one label.
const FOLDED = 'OTHER';
const codeOf = (r: StoredResponse): string => {
  const code = (r.body as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z_]+\.[A-Z_]+$/.test(code) ? code : FOLDED;
};

/** Runs the saga and records how it ended; a throw (the sweep finishes that order) is `unfinished`. */
export async function measuredSaga(run: () => Promise<StoredResponse>): Promise<StoredResponse> {
  const started = performance.now();
  const record = (outcome: Outcome, code: string) => {
    outcomes.inc({ outcome, code });
    duration.observe({ outcome }, (performance.now() - started) / 1000);
  };
  try {
    const response = await run();
    if (response.status === 201) record('confirmed', 'NONE');
    else record('compensated', codeOf(response));
    return response;
  } catch (e) {
    record('unfinished', 'NONE');
    throw e;
  }
}

/** A checkout refused before any step ran (an unknown SKU): nothing to undo. */
export function sagaRefused(response: StoredResponse): void {
  outcomes.inc({ outcome: 'failed', code: codeOf(response) });
}
