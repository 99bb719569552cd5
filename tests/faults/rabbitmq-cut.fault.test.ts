import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAllHeld, runCheckoutScenario } from './support/checkout-scenario';
import { eventsApplied } from './support/invariants';
import { type FaultStack, rabbitmqctl, startFaultStack } from './support/fault-stack';

// Scenario 2: RabbitMQ gone during a burst of checkouts, then back. The machine's broker is shared
// with other runs, so it is not stopped: every sidecar reaches it through Toxiproxy, and the proxy
// is switched off for 10 s (every open AMQP connection cut, new ones refused, as when the broker
// stops), then on again. Orders keeps committing; its events wait in the outbox (asserted) and are
// delivered once the sidecars reconnect, each applied exactly once (one invoice per order).
// Known defect of Dapr's RabbitMQ component (dapr/components-contrib#4540, open; fix proposed in
// #4573): a reconnect can leave a second, orphaned consumer on a queue that parks up to
// prefetchCount messages unacknowledged until that sidecar's connection closes. Nothing is lost (the
// broker keeps them), but those events are not applied until then. When the queues show it, the
// scenario applies the operator's remedy, a restart of the affected app's sidecar, and says so in its
// row; the invariants are read after it.
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

/** Queues with more consumers than the one sidecar that subscribes to each here: an orphan parks messages. */
async function leakedQueues(vhost: string): Promise<string[]> {
  const out = await rabbitmqctl(['list_queues', '-p', vhost, '-q', '--no-table-headers', 'name', 'consumers']);
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([name, consumers]) => name && !name.startsWith('dlq-') && Number(consumers) > 1)
    .map(([name]) => name as string);
}

describe('fault 2: RabbitMQ cut during a burst of checkouts, then back', () => {
  it('the outbox holds the events while the broker is gone and delivers each exactly once after', async () => {
    let heldDuringCut = 0;
    let leak = '';
    const { result } = await runCheckoutScenario(fs, {
      scenario: '2 RabbitMQ gone 10 s during checkouts',
      injection: () =>
        `Toxiproxy proxy disabled 10 s (AMQP connections cut, new ones refused); up to ${heldDuringCut} events waited in the outbox${leak}`,
      orders: 60,
      concurrency: 6,
      spreadMs: 16_000,
      onHand: 25,
      settleMs: 90_000,
      beforeChecks: async () => {
        const leaked = await leakedQueues(fs.vhost as string);
        if (!leaked.length) return;
        leak = `; consumer leak after reconnect (components-contrib#4540) on ${leaked.join(', ')}: sidecar restarted`;
        for (const app of new Set(leaked.map((q) => q.split('-')[0] as string))) await fs.stack.restartApp(app);
        await eventsApplied(fs, 30_000);
        expect(await leakedQueues(fs.vhost as string)).toEqual([]);
      },
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
