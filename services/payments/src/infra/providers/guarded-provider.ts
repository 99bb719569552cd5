import {
  circuitBreaker,
  ConsecutiveBreaker,
  handleWhen,
  isBrokenCircuitError,
  isIsolatedCircuitError,
  isTaskCancelledError,
  type IPolicy,
  timeout,
  TimeoutStrategy,
  wrap,
} from 'cockatiel';
import type {
  AuthorizeInput,
  PaymentProviderPort,
  PaymentRef,
  ProviderCall,
  ReleaseInput,
} from '../../app/ports/payment-provider.port';
import { PaymentDeclinedError, PaymentUnavailableError, StepTakenOverError } from '../../domain/payment.errors';
import { type BreakerState, recordBreakerState } from './breaker.metrics';

export interface GuardOptions {
  /** A provider call with no answer by then is abandoned (its signal aborted): 503, outcome unknown. */
  timeoutMs: number;
  /** Consecutive failures (timeouts, 5xx, refused connections; never declines) that open the breaker. */
  breakerFailures: number;
  /** How long an open breaker answers at once before one trial call is let through. */
  halfOpenMs: number;
  onStateChange?: (provider: string, state: 'open' | 'half-open' | 'closed') => void;
}

/**
 * A provider behind a timeout and a circuit breaker of its own (one per provider: Stripe being down
 * does not stop PayPal). An open breaker answers PaymentUnavailableError at once without calling
 * anyone, so it holds no money (`reached: false`); a timeout may have reached the provider
 * (`reached: true`: a void then releases by idempotency key). A decline is an answer, not a failure.
 * The breaker guards authorizations only: they are what takes new money, and what a failing
 * provider must stop at once. Voids, captures and refunds settle money already held, run under the
 * timeout alone, and never reset it: a checkout that compensates each timed-out authorization with
 * a successful void kept a consecutive-failure breaker closed forever.
 */
export class GuardedProvider implements PaymentProviderPort {
  private readonly authorizePolicy: IPolicy<{ signal: AbortSignal }>;
  private readonly settlePolicy: IPolicy<{ signal: AbortSignal }>;

  constructor(
    private readonly inner: PaymentProviderPort,
    private readonly opts: GuardOptions,
  ) {
    const breaker = circuitBreaker(
      // Answers are not faults: a decline, or our own step having been taken over mid-call.
      handleWhen((e) => !(e instanceof PaymentDeclinedError || e instanceof StepTakenOverError)),
      { halfOpenAfter: opts.halfOpenMs, breaker: new ConsecutiveBreaker(opts.breakerFailures) },
    );
    const changed = (state: BreakerState) => {
      recordBreakerState(inner.name, state);
      opts.onStateChange?.(inner.name, state);
    };
    recordBreakerState(inner.name, 'closed');
    breaker.onBreak(() => changed('open'));
    breaker.onHalfOpen(() => changed('half-open'));
    breaker.onReset(() => changed('closed'));
    // Breaker outside the timeout: a timed-out call counts as a failure.
    this.authorizePolicy = wrap(breaker, timeout(opts.timeoutMs, TimeoutStrategy.Aggressive));
    this.settlePolicy = timeout(opts.timeoutMs, TimeoutStrategy.Aggressive);
  }

  get name() {
    return this.inner.name;
  }

  authorize(input: AuthorizeInput, call: ProviderCall) {
    return this.guard(this.authorizePolicy, (signal) => this.inner.authorize(input, { ...call, signal }));
  }

  capture(input: PaymentRef, call: ProviderCall): Promise<{ ref?: string }> {
    return this.guard(this.settlePolicy, (signal) => this.inner.capture(input, { ...call, signal }));
  }

  void(input: ReleaseInput, call: ProviderCall) {
    return this.guard(this.settlePolicy, (signal) => this.inner.void(input, { ...call, signal }));
  }

  refund(input: PaymentRef & { refundId: string }, call: ProviderCall) {
    return this.guard(this.settlePolicy, (signal) => this.inner.refund(input, { ...call, signal }));
  }

  private async guard<T>(
    policy: IPolicy<{ signal: AbortSignal }>,
    fn: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    try {
      return await policy.execute(({ signal }) => {
        const call = fn(signal);
        call.catch(() => undefined); // an abandoned call settles later with nobody awaiting it
        return call;
      });
    } catch (e) {
      if (e instanceof PaymentDeclinedError || e instanceof PaymentUnavailableError) throw e;
      if (e instanceof StepTakenOverError) throw e;
      if (isBrokenCircuitError(e) || isIsolatedCircuitError(e)) {
        throw new PaymentUnavailableError(`${this.name}: circuit open`, false);
      }
      if (isTaskCancelledError(e)) {
        throw new PaymentUnavailableError(`${this.name}: no answer within ${this.opts.timeoutMs} ms`, true);
      }
      throw new PaymentUnavailableError(`${this.name}: ${(e as Error)?.message ?? String(e)}`, true);
    }
  }
}
