import { createHash } from 'node:crypto';
import type {
  AuthorizeInput,
  PaymentProviderPort,
  PaymentRef,
  ProviderCall,
  ReleaseInput,
} from '../../app/ports/payment-provider.port';
import { PaymentDeclinedError, PaymentUnavailableError } from '../../domain/payment.errors';

/** The contract's test tokens. */
export const TEST_TOKENS = { visa: 'tok_visa', declined: 'tok_chargeDeclined', timeout: 'tok_timeout' } as const;

const REMEMBERED = 100_000;

/**
 * The in-process `test` provider. It behaves like a real one where it matters to us: it answers a
 * repeated idempotency key with its first result (never a second authorization), `tok_chargeDeclined`
 * declines, `tok_timeout` never answers (the guard's timeout abandons it through the signal), and a
 * release of an authorization it never made succeeds. State is in memory, bounded to the last
 * 100,000 keys (a test provider for development and benches, not a bank).
 */
export class TestPaymentProvider implements PaymentProviderPort {
  readonly name = 'test' as const;
  private readonly answers = new Map<string, Promise<unknown>>();
  /** Authorizations still held, by the authorize key (a release without ref finds them here). */
  private readonly holds = new Map<string, string>();

  authorize(input: AuthorizeInput, call: ProviderCall): Promise<{ ref: string }> {
    if (input.token === TEST_TOKENS.timeout) return hang(call.signal);
    return this.once(call.idempotencyKey, async () => {
      if (input.token === TEST_TOKENS.declined) throw new PaymentDeclinedError(input.orderId, 'card_declined');
      if (input.token !== TEST_TOKENS.visa) throw new PaymentDeclinedError(input.orderId, 'invalid_token');
      const ref = `test_auth_${digest(call.idempotencyKey)}`;
      this.holds.set(call.idempotencyKey, ref);
      return { ref };
    });
  }

  capture(input: PaymentRef, call: ProviderCall): Promise<{ ref?: string }> {
    return this.once(call.idempotencyKey, async () => {
      this.holds.delete(`${input.orderId}:authorize`);
      return {};
    });
  }

  void(input: ReleaseInput, call: ProviderCall): Promise<void> {
    return this.once(call.idempotencyKey, async () => {
      this.holds.delete(input.authorizeKey);
    });
  }

  refund(_input: PaymentRef & { refundId: string }, call: ProviderCall): Promise<{ ref: string }> {
    return this.once(call.idempotencyKey, async () => ({ ref: `test_refund_${digest(call.idempotencyKey)}` }));
  }

  /** Authorizations this provider holds right now (tests and the dev console). */
  held(): number {
    return this.holds.size;
  }

  private once<T>(key: string, work: () => Promise<T>): Promise<T> {
    const first = this.answers.get(key);
    if (first) return first as Promise<T>;
    const answer = work();
    answer.catch(() => undefined);
    this.answers.set(key, answer);
    if (this.answers.size > REMEMBERED) this.answers.delete(this.answers.keys().next().value as string);
    if (this.holds.size > REMEMBERED) this.holds.delete(this.holds.keys().next().value as string);
    return answer;
  }
}

function digest(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 24);
}

/** No answer, ever: only the caller's signal ends the wait. */
function hang(signal?: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    signal?.addEventListener('abort', () => reject(new PaymentUnavailableError('test provider: tok_timeout', true)), {
      once: true,
    });
  });
}
