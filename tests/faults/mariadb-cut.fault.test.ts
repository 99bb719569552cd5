import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAllHeld, runCheckoutScenario } from './support/checkout-scenario';
import { type FaultStack, startFaultStack } from './support/fault-stack';

// Scenario 7: the orders service's MariaDB "restarted" mid-transaction. The machine's MariaDB is
// shared, so the orders service reaches its database through Toxiproxy and the proxy is switched
// off for 5 s: every pooled connection is cut in the middle of whatever transaction it ran (the
// server rolls those back), and new connections are refused until it is back. Sagas cut short are
// finished or undone by the recovery sweep; nothing acknowledged is lost, nothing is held.
const CUT_AT_MS = 4000;
const CUT_MS = 5000;
let fs: FaultStack;

beforeAll(async () => {
  fs = await startFaultStack({
    apps: ['users', 'catalog', 'inventory', 'payments', 'promotions', 'orders', 'gateway'],
    through: { ordersDb: true },
    appEnv: {
      catalog: { SEED_CATALOG_PRODUCTS: '5' },
      gateway: { RATE_LIMIT_PER_MINUTE: '100000000', REGISTRATIONS_PER_IP_PER_HOUR: '1000' },
      orders: { ORDER_SAGA_STALE_SECONDS: '3', ORDER_RECOVERY_INTERVAL_MS: '1000' },
    },
  });
}, 240_000);
afterAll(() => fs?.stop());

describe('fault 7: MariaDB connections of orders cut mid-transaction', () => {
  it('every order ends confirmed or undone; acknowledged ones kept, invoiced once; stock and money settled', async () => {
    const { result, attempts } = await runCheckoutScenario(fs, {
      scenario: '7 MariaDB (orders) cut mid-transaction 5 s',
      injection: 'Toxiproxy proxy of orders→MariaDB disabled 5 s (connections cut mid-transaction)',
      orders: 60,
      concurrency: 6,
      spreadMs: 14_000,
      onHand: 25,
      settleMs: 90_000,
      fault: async () => {
        await new Promise((r) => setTimeout(r, CUT_AT_MS));
        await fs.toxi.setEnabled('orders-db', false);
        await new Promise((r) => setTimeout(r, CUT_MS));
        await fs.toxi.setEnabled('orders-db', true);
      },
    });
    // The cut showed: some checkouts got no definite answer; and the service came back by itself.
    expect(attempts.some((a) => a.outcome === 'indeterminate')).toBe(true);
    expect(attempts.slice(-5).some((a) => a.outcome === 'acknowledged')).toBe(true);
    expectAllHeld(result);
  }, 300_000);
});
