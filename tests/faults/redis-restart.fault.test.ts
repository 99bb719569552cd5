import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAllHeld } from './support/checkout-scenario';
import { runDropScenario } from './support/drop-scenario';
import { type DurableRedis, startDurableRedis } from './support/durable-redis';
import { type FaultStack, startFaultStack } from './support/fault-stack';

// Scenario 3: the actor state store's Redis restarted during a flash drop, then stalled longer than
// the actor call timeout. The stack runs on a Redis of the test's own with an fsync'd append-only
// file (the machine's shared Redis is never restarted, and it keeps nothing on disk: a restart of
// it would lose the stock, which is not the fault being tested).
//  - kill -9 of Redis, 3 s down, restarted on the same data: claims in the gap fail, none is lost.
//  - CLIENT PAUSE 8 s (the actor call times out at 5 s and is retried): the timed-out turn and its
//    retry overlap; the reservation is still applied once (same reservation id → replay).
const CRASH_AT_MS = 5000;
const DOWN_MS = 3000;
const PAUSE_AT_MS = 16_000;
const PAUSE_MS = 8000;
let redis: DurableRedis;
let fs: FaultStack;

beforeAll(async () => {
  redis = await startDurableRedis();
  fs = await startFaultStack({
    apps: ['users', 'catalog', 'inventory', 'gateway'],
    env: { REDIS_URL: `${redis.url}/0` },
    metadata: redis.metadata,
    appEnv: {
      catalog: { SEED_CATALOG_PRODUCTS: '5' },
      gateway: { RATE_LIMIT_PER_MINUTE: '100000000' },
    },
  });
}, 240_000);
afterAll(async () => {
  await fs?.stop();
  await redis?.stop();
});

describe('fault 3: Redis (actor state) restarted during a drop, then paused past the actor timeout', () => {
  it('no oversell, no acknowledged claim lost, each claim applied once; claims succeed again after', async () => {
    let pausedUntil = Infinity;
    const { result, attempts, answeredAt } = await runDropScenario(fs, {
      scenario: '3 Redis kill -9 + restart, then CLIENT PAUSE 8 s, during a drop',
      injection: 'private Redis (AOF, fsync always): SIGKILL, 3 s down, restart; CLIENT PAUSE 8000 ALL',
      claims: 1800,
      spreadMs: 32_000,
      drop: { onHand: 1200, quantity: 1000 },
      fault: async () => {
        const t0 = Date.now();
        await new Promise((r) => setTimeout(r, CRASH_AT_MS));
        await redis.crashAndRestart(DOWN_MS);
        await new Promise((r) => setTimeout(r, Math.max(0, t0 + PAUSE_AT_MS - Date.now())));
        await redis.pause(PAUSE_MS);
        pausedUntil = Date.now() + PAUSE_MS;
      },
    });
    expect(attempts.some((a) => a.outcome === 'indeterminate')).toBe(true);
    // Claims are acknowledged again after both faults, with no restart of anything but Redis.
    expect(attempts.some((a, i) => a.outcome === 'acknowledged' && (answeredAt[i] ?? 0) > pausedUntil)).toBe(true);
    expectAllHeld(result);
  }, 240_000);
});
