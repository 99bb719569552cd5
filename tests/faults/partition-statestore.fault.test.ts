import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAllHeld } from './support/checkout-scenario';
import { runDropScenario } from './support/drop-scenario';
import { type FaultStack, startFaultStack } from './support/fault-stack';

// Scenario 9: a network partition between the inventory sidecar and Redis (its actor state store)
// for 10 s while a drop takes claims. The link goes through Toxiproxy; the partition is a black hole
// both ways (a `timeout` toxic with no timeout: nothing arrives, nothing is closed), as a dropped
// link is. Claims in the window must end in a bounded error (never a hang, never a false 201), the
// drop must never hold more than it has, and after the link heals claims succeed again by themselves.
const PARTITION_AT_MS = 5000;
const PARTITION_MS = 10_000;

let fs: FaultStack;

beforeAll(async () => {
  fs = await startFaultStack({
    apps: ['users', 'catalog', 'inventory', 'gateway'],
    through: { statestore: true },
    appEnv: {
      catalog: { SEED_CATALOG_PRODUCTS: '5' },
      gateway: { RATE_LIMIT_PER_MINUTE: '100000000' },
    },
  });
}, 240_000);
afterAll(() => fs?.stop());

describe('fault 9: inventory sidecar ↔ Redis partitioned for 10 s during claims', () => {
  it('no oversell, every acknowledged claim held once, claims succeed again after the partition heals', async () => {
    let healedAt = 0;
    const { result, attempts, answeredAt } = await runDropScenario(fs, {
      scenario: '9 partition inventory sidecar ↔ Redis 10 s during claims',
      injection: 'Toxiproxy timeout toxic both ways (black hole) 10 s',
      claims: 1500,
      spreadMs: 30_000,
      drop: { onHand: 1000, quantity: 600 },
      fault: async () => {
        await new Promise((r) => setTimeout(r, PARTITION_AT_MS));
        await fs.toxi.partition('statestore');
        await new Promise((r) => setTimeout(r, PARTITION_MS));
        await fs.toxi.heal('statestore');
        healedAt = Date.now();
      },
    });
    // Every answer came within the gateway's bound (no transport error, no hang), partition or not.
    expect(attempts.filter((a) => a.error).map((a) => a.error)).toEqual([]);
    // The partition showed (errors in the window) and healed (claims acknowledged after it).
    expect(attempts.some((a) => a.outcome === 'indeterminate')).toBe(true);
    expect(attempts.some((a, i) => a.outcome === 'acknowledged' && (answeredAt[i] ?? 0) > healedAt)).toBe(true);
    expectAllHeld(result);
  }, 240_000);
});
