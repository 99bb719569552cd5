import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAllHeld, runCheckoutScenario } from './support/checkout-scenario';
import { type FaultStack, startFaultStack } from './support/fault-stack';

// Scenario 2: RabbitMQ gone during a burst of checkouts, then back. The machine's broker is shared
// with other runs, so it is not stopped: every sidecar reaches it through Toxiproxy, and the proxy
// is switched off for 10 s (every open AMQP connection cut, new ones refused, as when the broker
// stops), then on again. Orders keeps committing; its events wait in the outbox (asserted) and are
// delivered once the sidecars reconnect, each applied exactly once (one invoice per order).
const CUT_AT_MS = 3000;
const CUT_MS = 10_000;
let fs: FaultStack;

beforeAll(async () => {
  fs = await startFaultStack({
    apps: ['users', 'catalog', 'inventory', 'payments', 'promotions', 'orders', 'gateway'],
    through: { rabbitmq: true },
    appEnv: {
      catalog: { SEED_CATALOG_PRODUCTS: '5' },
      gateway: { RATE_LIMIT_PER_MINUTE: '100000000', REGISTRATIONS_PER_IP_PER_HOUR: '1000' },
    },
  });
}, 240_000);
afterAll(() => fs?.stop());

describe('fault 2: RabbitMQ cut during a burst of checkouts, then back', () => {
  it('the outbox holds the events while the broker is gone and delivers each exactly once after', async () => {
    let heldDuringCut = 0;
    const { result } = await runCheckoutScenario(fs, {
      scenario: '2 RabbitMQ gone 10 s during checkouts',
      injection: () =>
        `Toxiproxy proxy disabled 10 s (AMQP connections cut, new ones refused); up to ${heldDuringCut} events waited in the outbox`,
      orders: 60,
      concurrency: 6,
      spreadMs: 16_000,
      onHand: 25,
      settleMs: 90_000,
      fault: async () => {
        await new Promise((r) => setTimeout(r, CUT_AT_MS));
        await fs.toxi.setEnabled('rabbitmq', false);
        const end = Date.now() + CUT_MS;
        while (Date.now() < end) {
          const [row] = await fs.sql<{ n: number }>('SELECT COUNT(*) AS n FROM `{orders}`.outbox');
          heldDuringCut = Math.max(heldDuringCut, Number(row?.n));
          await new Promise((r) => setTimeout(r, 250));
        }
        await fs.toxi.setEnabled('rabbitmq', true);
      },
    });
    expect(heldDuringCut).toBeGreaterThan(0); // the outbox held events while the broker was gone
    expect(result.tally.acknowledged).toBeGreaterThan(0);
    expectAllHeld(result);
  }, 300_000);
});
