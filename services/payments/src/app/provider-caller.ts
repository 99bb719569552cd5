import { PaymentDeclinedError, PaymentUnavailableError } from '../domain/payment.errors';
import type { CallEnd } from './ports/payment.repository.port';

/** How a provider call ended, for the call log (written with the step's outcome). */
export function callEnd(e?: unknown): CallEnd {
  if (e === undefined) return { outcome: 'ok' };
  const detail = ((e as Error)?.message ?? String(e)).slice(0, 250);
  return { outcome: e instanceof PaymentDeclinedError ? 'declined' : 'unavailable', detail };
}

/** A provider's answer (a decline, no answer) ends the step; anything else leaves it to the lease. */
export function isProviderAnswer(e: unknown): e is PaymentDeclinedError | PaymentUnavailableError {
  return e instanceof PaymentDeclinedError || e instanceof PaymentUnavailableError;
}
