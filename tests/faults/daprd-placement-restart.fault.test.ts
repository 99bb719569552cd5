import type { ManagedProcess } from '@dbcarts/devstack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAllHeld } from './support/checkout-scenario';
import { runDropScenario } from './support/drop-scenario';
import { type FaultStack, startFaultStack } from './support/fault-stack';

// Scenario 4: the inventory service's sidecar (the actor host's) killed with SIGKILL mid-burst and
// started again 3 s later, the inventory app left running; then placement (the actor table) killed
// and restarted. Claims in the gaps fail within their bound; none held twice, none lost, no oversell;
// claims succeed again once the sidecar and placement are back, without restarting anything else.
const KILL_DAPRD_AT_MS = 5000;
const DAPRD_DOWN_MS = 3000;
const KILL_PLACEMENT_AT_MS = 20_000;
const PLACEMENT_DOWN_MS = 3000;
let fs: FaultStack;

beforeAll(async () => {
  fs = await startFaultStack({
    apps: ['users', 'catalog', 'inventory', 'gateway'],
    appEnv: {
      catalog: { SEED_CATALOG_PRODUCTS: '5' },
      gateway: { RATE_LIMIT_PER_MINUTE: '100000000' },
    },
  });
}, 240_000);
afterAll(() => fs?.stop());

async function crash(p: ManagedProcess | undefined, downMs: number, ready: () => Promise<boolean>): Promise<void> {
  if (!p) throw new Error('process handle not found in the stack');
  p.kill('SIGKILL');
  await p.waitForExit();
  await new Promise((r) => setTimeout(r, downMs));
  p.start();
  const deadline = Date.now() + 60_000;
  while (!(await ready().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${p.spec.name} not ready 60 s after its restart`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('fault 4: inventory daprd killed mid-burst and restarted; placement restarted', () => {
  it('no oversell, every acknowledged claim held once; claims succeed again after both restarts', async () => {
    const sidecar = `http://127.0.0.1:${fs.stack.stack.endpoints('inventory').daprHttpPort}/v1.0`;
    const actorHostReady = async () => {
      const meta = (await (await fetch(`${sidecar}/metadata`)).json()) as {
        actorRuntime?: { hostReady?: boolean; placement?: string };
      };
      return meta.actorRuntime?.hostReady === true && /connected/.test(meta.actorRuntime.placement ?? '');
    };
    let backAt = Infinity;
    const { result, attempts, answeredAt } = await runDropScenario(fs, {
      scenario: '4 inventory daprd kill -9 + restart; placement restart',
      injection: 'SIGKILL of inventory daprd, 3 s down; SIGKILL of placement, 3 s down',
      claims: 1800,
      spreadMs: 36_000,
      drop: { onHand: 1200, quantity: 1000 },
      fault: async () => {
        const t0 = Date.now();
        await new Promise((r) => setTimeout(r, KILL_DAPRD_AT_MS));
        await crash(fs.stack.stack.processes('inventory').daprd, DAPRD_DOWN_MS, actorHostReady);
        await new Promise((r) => setTimeout(r, Math.max(0, t0 + KILL_PLACEMENT_AT_MS - Date.now())));
        await crash(fs.stack.stack.placementProcess, PLACEMENT_DOWN_MS, actorHostReady);
        backAt = Date.now();
      },
    });
    expect(attempts.some((a) => a.outcome === 'indeterminate')).toBe(true);
    expect(attempts.some((a, i) => a.outcome === 'acknowledged' && (answeredAt[i] ?? 0) > backAt)).toBe(true);
    expectAllHeld(result);
  }, 240_000);
});
