import type { Logger } from '@dbcarts/logging';
import { PaymentDeclinedError } from '../domain/payment.errors';
import type { Payment } from '../domain/payment';
import type { ProviderCallLogPort } from './ports/ledger.port';
import type { ProviderCall } from './ports/payment-provider.port';

/**
 * Makes one provider call under its idempotency key, logged before it leaves (a crash mid-call
 * leaves a call without an outcome, visible to an operator) and after it answers.
 */
export async function callProvider<T>(
  log: { calls: ProviderCallLogPort; logger: Logger },
  p: Pick<Payment, 'orderId' | 'provider' | 'attempt'>,
  idempotencyKey: string,
  fn: (call: ProviderCall) => Promise<T>,
): Promise<T> {
  const id = await log.calls.started({ orderId: p.orderId, provider: p.provider, idempotencyKey, attempt: p.attempt });
  // The outcome row is bookkeeping: failing to write it must not turn a done step into an error.
  const end = (outcome: 'ok' | 'declined' | 'unavailable', detail?: string) =>
    log.calls
      .ended(id, outcome, detail)
      .catch((err) => log.logger.warn({ err, idempotencyKey }, 'call log not updated'));
  try {
    const result = await fn({ idempotencyKey });
    await end('ok');
    return result;
  } catch (e) {
    await end(e instanceof PaymentDeclinedError ? 'declined' : 'unavailable', (e as Error).message?.slice(0, 250));
    throw e;
  }
}
