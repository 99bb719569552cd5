import { describe, expect, it, vi } from 'vitest';
import { PaymentDeclinedError, PaymentUnavailableError } from '../../domain/payment.errors';
import { GuardedProvider } from './guarded-provider';
import { TEST_TOKENS, TestPaymentProvider } from './test-provider';

const input = (orderId: string, token: string) => ({ orderId, customerId: 'c', amount: 100, currency: 'EUR', token });
const guarded = (opts: Partial<ConstructorParameters<typeof GuardedProvider>[1]> = {}) =>
  new GuardedProvider(new TestPaymentProvider(), { timeoutMs: 100, breakerFailures: 3, halfOpenMs: 300, ...opts });

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
}

describe('guarded provider (timeout + circuit breaker)', () => {
  it('a provider that never answers is abandoned at the timeout: unavailable, may have reached it', async () => {
    const p = guarded({ timeoutMs: 150 });
    const t0 = Date.now();
    const e = await failure(p.authorize(input('o1', TEST_TOKENS.timeout), { idempotencyKey: 'o1:authorize' }));
    expect(e).toBeInstanceOf(PaymentUnavailableError);
    expect((e as PaymentUnavailableError).reached).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('opens after consecutive failures and then answers at once without calling the provider', async () => {
    const inner = new TestPaymentProvider();
    const p = new GuardedProvider(inner, { timeoutMs: 50, breakerFailures: 3, halfOpenMs: 10_000 });
    for (let i = 0; i < 3; i++) {
      await failure(p.authorize(input(`t${i}`, TEST_TOKENS.timeout), { idempotencyKey: `t${i}:authorize` }));
    }
    const t0 = Date.now();
    const e = await failure(p.authorize(input('ok', TEST_TOKENS.visa), { idempotencyKey: 'ok:authorize' }));
    expect(Date.now() - t0).toBeLessThan(20);
    expect(e).toBeInstanceOf(PaymentUnavailableError);
    expect((e as PaymentUnavailableError).reached).toBe(false);
    expect(inner.held()).toBe(0); // nothing authorized while open
  });

  it('voids between timed-out authorizations (a checkout compensating each one) do not keep the breaker closed', async () => {
    const p = new GuardedProvider(new TestPaymentProvider(), { timeoutMs: 50, breakerFailures: 3, halfOpenMs: 10_000 });
    for (let i = 0; i < 3; i++) {
      await failure(p.authorize(input(`v${i}`, TEST_TOKENS.timeout), { idempotencyKey: `v${i}:authorize` }));
      await p.void(
        { orderId: `v${i}`, authorizeKey: `v${i}:authorize`, amount: 100, currency: 'EUR' },
        { idempotencyKey: `v${i}:void` },
      );
    }
    const e = await failure(p.authorize(input('next', TEST_TOKENS.visa), { idempotencyKey: 'next:authorize' }));
    expect((e as PaymentUnavailableError).reached).toBe(false);
  });

  it('an open breaker never blocks a void: releasing held money always reaches the provider', async () => {
    const p = new GuardedProvider(new TestPaymentProvider(), { timeoutMs: 50, breakerFailures: 1, halfOpenMs: 10_000 });
    await failure(p.authorize(input('t', TEST_TOKENS.timeout), { idempotencyKey: 't:authorize' }));
    // Resolves (an open breaker would throw PaymentUnavailableError without calling the provider).
    await p.void(
      { orderId: 't', authorizeKey: 't:authorize', amount: 100, currency: 'EUR' },
      { idempotencyKey: 't:void' },
    );
  });

  it('declines are answers, not failures: they never open the breaker', async () => {
    const p = guarded();
    for (let i = 0; i < 10; i++) {
      const e = await failure(p.authorize(input(`d${i}`, TEST_TOKENS.declined), { idempotencyKey: `d${i}:authorize` }));
      expect(e).toBeInstanceOf(PaymentDeclinedError);
    }
    await expect(p.authorize(input('v', TEST_TOKENS.visa), { idempotencyKey: 'v:authorize' })).resolves.toHaveProperty(
      'ref',
    );
  });

  it('recovers: after the half-open delay one trial call goes through and closes it', async () => {
    const p = guarded({ timeoutMs: 30, breakerFailures: 2, halfOpenMs: 200 });
    for (let i = 0; i < 2; i++) {
      await failure(p.authorize(input(`t${i}`, TEST_TOKENS.timeout), { idempotencyKey: `t${i}:authorize` }));
    }
    await failure(p.authorize(input('a', TEST_TOKENS.visa), { idempotencyKey: 'a:authorize' }));
    await new Promise((r) => setTimeout(r, 250));
    await expect(p.authorize(input('b', TEST_TOKENS.visa), { idempotencyKey: 'b:authorize' })).resolves.toHaveProperty(
      'ref',
    );
    await expect(p.authorize(input('c', TEST_TOKENS.visa), { idempotencyKey: 'c:authorize' })).resolves.toHaveProperty(
      'ref',
    );
  });
});

describe('guarded provider on a fake clock (the production numbers: 4 s timeout, 5 failures, 10 s half-open)', () => {
  it('opens after 5 timeouts, answers at once while open, lets one trial through after 10 s, and closes on its success', async () => {
    vi.useFakeTimers();
    try {
      const inner = new TestPaymentProvider();
      const states: string[] = [];
      const p = new GuardedProvider(inner, {
        timeoutMs: 4_000,
        breakerFailures: 5,
        halfOpenMs: 10_000,
        onStateChange: (_name, state) => states.push(state),
      });
      for (let i = 0; i < 5; i++) {
        const timedOut = failure(p.authorize(input(`t${i}`, TEST_TOKENS.timeout), { idempotencyKey: `t${i}:a` }));
        await vi.advanceTimersByTimeAsync(4_000);
        expect(await timedOut).toMatchObject({ code: 'PAYMENT.UNAVAILABLE', reached: true });
      }
      expect(states).toEqual(['open']);
      // Open: refused without calling the provider (nothing held), at no cost in time.
      const refused = await failure(p.authorize(input('o1', TEST_TOKENS.visa), { idempotencyKey: 'o1:a' }));
      expect(refused).toMatchObject({ code: 'PAYMENT.UNAVAILABLE', reached: false });
      await vi.advanceTimersByTimeAsync(9_000);
      expect(await failure(p.authorize(input('o2', TEST_TOKENS.visa), { idempotencyKey: 'o2:a' }))).toMatchObject({
        reached: false,
      });
      expect(inner.held()).toBe(0);
      // After the half-open delay the next call is the trial: it succeeds and closes the breaker.
      await vi.advanceTimersByTimeAsync(1_000);
      await expect(
        p.authorize(input('trial', TEST_TOKENS.visa), { idempotencyKey: 'trial:a' }),
      ).resolves.toHaveProperty('ref');
      expect(states).toEqual(['open', 'half-open', 'closed']);
      await expect(
        p.authorize(input('after', TEST_TOKENS.visa), { idempotencyKey: 'after:a' }),
      ).resolves.toHaveProperty('ref');
      expect(inner.held()).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a failed trial opens it again for another half-open delay', async () => {
    vi.useFakeTimers();
    try {
      const p = new GuardedProvider(new TestPaymentProvider(), {
        timeoutMs: 4_000,
        breakerFailures: 5,
        halfOpenMs: 10_000,
      });
      for (let i = 0; i < 5; i++) {
        const f = failure(p.authorize(input(`t${i}`, TEST_TOKENS.timeout), { idempotencyKey: `t${i}:a` }));
        await vi.advanceTimersByTimeAsync(4_000);
        await f;
      }
      await vi.advanceTimersByTimeAsync(10_000);
      const trial = failure(p.authorize(input('trial', TEST_TOKENS.timeout), { idempotencyKey: 'trial:a' }));
      await vi.advanceTimersByTimeAsync(4_000);
      expect(await trial).toMatchObject({ reached: true });
      expect(await failure(p.authorize(input('next', TEST_TOKENS.visa), { idempotencyKey: 'next:a' }))).toMatchObject({
        reached: false,
      });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('test provider', () => {
  it('answers a repeated idempotency key with its first result (one authorization)', async () => {
    const t = new TestPaymentProvider();
    const [a, b] = await Promise.all([
      t.authorize(input('o', TEST_TOKENS.visa), { idempotencyKey: 'o:authorize' }),
      t.authorize(input('o', TEST_TOKENS.visa), { idempotencyKey: 'o:authorize' }),
    ]);
    expect(a).toEqual(b);
    expect(t.held()).toBe(1);
  });

  it('a release by the authorize key (no ref known) frees the hold; releasing nothing succeeds', async () => {
    const t = new TestPaymentProvider();
    await t.authorize(input('o', TEST_TOKENS.visa), { idempotencyKey: 'o:authorize' });
    await t.void(
      { orderId: 'o', authorizeKey: 'o:authorize', amount: 100, currency: 'EUR' },
      { idempotencyKey: 'o:void' },
    );
    expect(t.held()).toBe(0);
    await expect(
      t.void({ orderId: 'x', authorizeKey: 'x:authorize', amount: 1, currency: 'EUR' }, { idempotencyKey: 'x:void' }),
    ).resolves.toBeUndefined();
  });
});
