import type { Payment } from '../domain/payment';
import type { PaymentChange } from './ports/payment.repository.port';

/** The payment as a finished step leaves it (what the committed row now says), without a re-read. */
export function applied(p: Payment, change: PaymentChange): Payment {
  const { declineCode, ...rest } = change;
  return {
    ...p,
    ...rest,
    ...(declineCode ? { declineCode } : {}),
    step: undefined,
    inFlight: false,
    updatedAt: new Date(),
  };
}
