import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StripeMock, startStripeMock } from '../../services/payments/test/support/stripe-mock';
import { expectAllHeld, runCheckoutScenario } from './support/checkout-scenario';
import { type FaultStack, startFaultStack } from './support/fault-stack';

// Scenario 5: the payment provider slow (past the provider timeout), then failing, then back, during a
// burst of checkouts paid with Stripe (stripe-mock, reached through Toxiproxy). The breaker must open
// (read from the payments service's own metric), answer at once while open (no checkout waits on a
// dead provider), and close again by itself; every refused order holds neither stock nor money.
const TIMEOUT_MS = 800;
const SLOW_AT_MS = 4000;
const SLOW_MS = 7000;
const DOWN_MS = 6000;
let mock: StripeMock;
let fs: FaultStack;

beforeAll(async () => {
  mock = await startStripeMock();
  fs = await startFaultStack({
    apps: ['users', 'catalog', 'inventory', 'payments', 'promotions', 'orders', 'gateway'],
    secrets: { 'stripe-secret-key': 'sk_test_faults42' },
    prepare: async (toxi) => {
      const p = await toxi.proxy('stripe', new URL(mock.url).host);
      return { payments: { STRIPE_API_URL: `http://127.0.0.1:${p.port}` } };
    },
    appEnv: {
      catalog: { SEED_CATALOG_PRODUCTS: '5' },
      gateway: { RATE_LIMIT_PER_MINUTE: '100000000', REGISTRATIONS_PER_IP_PER_HOUR: '1000' },
      payments: {
        PAYMENT_PROVIDER_TIMEOUT_MS: String(TIMEOUT_MS),
        PAYMENT_BREAKER_FAILURES: '3',
        PAYMENT_BREAKER_HALF_OPEN_MS: '2000',
      },
    },
  });
}, 240_000);
afterAll(async () => {
  await fs?.stop();
  await mock?.stop();
});

describe('fault 5: payment provider slow, then failing, then back', () => {
  it('the breaker opens, answers at once while open, closes again; refused orders hold nothing', async () => {
    const metrics = `http://127.0.0.1:${fs.stack.stack.endpoints('payments').appMetricsPort}/metrics`;
    const states = new Set<number>();
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const text = await (await fetch(metrics)).text().catch(() => '');
        const m = /payment_provider_breaker_state\{[^}]*provider="stripe"[^}]*\} (\d)/.exec(text);
        if (m) states.add(Number(m[1]));
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    let slowFrom = 0;
    let backAt = Infinity;
    const { result, attempts } = await runCheckoutScenario(fs, {
      scenario: '5 payment provider slow, failing, back',
      injection: () =>
        `Toxiproxy to stripe-mock: latency 3 s (timeout ${TIMEOUT_MS} ms) 7 s, proxy disabled 6 s, restored; breaker states seen: ${[...states].map((v) => ['closed', 'half-open', 'open'][v]).join(', ')}`,
      payment: { provider: 'stripe', token: 'pm_card_visa' },
      orders: 70,
      concurrency: 4,
      spreadMs: 28_000,
      onHand: 40,
      settleMs: 60_000,
      fault: async () => {
        await new Promise((r) => setTimeout(r, SLOW_AT_MS));
        slowFrom = Date.now();
        await fs.toxi.addToxic('stripe', { name: 'slow', type: 'latency', attributes: { latency: 3000, jitter: 0 } });
        await new Promise((r) => setTimeout(r, SLOW_MS));
        await fs.toxi.setEnabled('stripe', false);
        await new Promise((r) => setTimeout(r, DOWN_MS));
        await fs.toxi.removeToxic('stripe', 'slow');
        await fs.toxi.setEnabled('stripe', true);
        backAt = Date.now();
      },
    });
    watching = false;
    await watch;
    expect([...states]).toEqual(expect.arrayContaining([0, 2])); // closed, opened, (closed again: below)
    const refused = attempts.filter((a) => a.answer?.body?.code === 'PAYMENT.UNAVAILABLE');
    expect(refused.length).toBeGreaterThan(0);
    // While open it answers at once: refusals in the slow window well under the provider timeout.
    const fast = refused.filter((a) => a.sentAt > slowFrom && a.ms < TIMEOUT_MS / 2);
    expect(fast.length).toBeGreaterThan(0);
    // Closed again by itself: checkouts sent 3 s after the provider came back are confirmed.
    const late = attempts.filter((a) => a.sentAt > backAt + 3000);
    expect(late.length).toBeGreaterThan(0);
    expect(late.every((a) => a.outcome === 'acknowledged' || a.answer?.body?.code === 'INVENTORY.INSUFFICIENT')).toBe(
      true,
    );
    expectAllHeld(result);
  }, 300_000);
});
