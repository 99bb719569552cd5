import { expect } from 'vitest';
import { startDrop } from '../../support/api';
import { sampleValue, scrapeMetrics } from '../../support/prometheus-text';
import type { FaultStack } from './fault-stack';
import { dropInvariants, stockOf } from './invariants';
import { answersByCode, type Attempt, burst, claim, stockedSkus, tally } from './load';
import { record, type ScenarioResult } from './report';

// The shape of every drop scenario: one SKU with a running drop, a burst of claims (one customer
// each, tokens minted with the stack's key), the fault injected while it runs; then every claim
// left without a definite answer is retried by its client under the same key (a held claim replays),
// and the SKU's stored state must hold exactly the claims clients were told they have.

export interface DropScenario {
  scenario: string;
  injection: string;
  claims: number;
  spreadMs: number;
  drop: { onHand: number; quantity: number };
  fault: () => Promise<void>;
}

export interface DropOutcome {
  result: ScenarioResult;
  attempts: Attempt[];
  /** When each attempt was answered (ms since epoch). */
  answeredAt: number[];
}

export async function runDropScenario(fs: FaultStack, s: DropScenario): Promise<DropOutcome> {
  const started = Date.now();
  const [sku] = (await stockedSkus(fs.api, fs.admin, 1, s.drop.onHand)) as [string];
  await startDrop(fs.api, fs.admin, sku, s.drop.quantity, 1);
  const tokens = await Promise.all(Array.from({ length: s.claims }, (_, i) => fs.mint(`drop-${started}-${i}`)));
  const answeredAt: number[] = [];
  const [attempts] = await Promise.all([
    burst(
      s.claims,
      64,
      async (i, key) => {
        const a = await claim(fs.api, sku, tokens[i] as string, key);
        answeredAt[i] = Date.now();
        return a;
      },
      s.spreadMs,
    ),
    s.fault(),
  ]);
  for (const a of attempts.filter((x) => x.outcome === 'failed')) {
    expect(['FLASH_SALE.SOLD_OUT', 'FLASH_SALE.LIMIT_EXCEEDED', 'INVENTORY.BUSY']).toContain(a.answer?.body?.code);
  }

  // The clients of unanswered claims retry under the same key until they get a definite answer.
  const open = attempts.map((a, i) => ({ a, i })).filter(({ a }) => a.outcome === 'indeterminate');
  const claimIds = new Set(held(attempts));
  for (let round = 0; round < 5 && open.length; round++) {
    const retried = await burst(open.length, 16, (j) => {
      const { a, i } = open[j] as { a: Attempt; i: number };
      return claim(fs.api, sku, tokens[i] as string, a.key);
    });
    for (const id of held(retried)) claimIds.add(id);
    const still = open.filter((_, j) => retried[j]?.outcome === 'indeterminate');
    open.splice(0, open.length, ...still);
    if (open.length) await new Promise((r) => setTimeout(r, 2000));
  }
  expect(open.map(({ a }) => a.answer?.status ?? a.error)).toEqual([]);

  const checks = await dropInvariants(fs.api, sku, {
    ...s.drop,
    acknowledged: attempts.filter((a) => a.outcome === 'acknowledged').length,
    indeterminate: attempts.filter((a) => a.outcome === 'indeterminate').length,
  });
  // Exactly once: what the SKU's state holds is exactly the claims clients were told they have.
  const stock = await stockOf(fs.api, sku);
  checks['reservation settled once'] = {
    ok: stock.reserved === claimIds.size,
    detail: `held ${stock.reserved}, distinct claims answered 201 ${claimIds.size}`,
  };
  const result: ScenarioResult = {
    scenario: s.scenario,
    injection: s.injection,
    tally: tally(attempts),
    checks,
    seconds: (Date.now() - started) / 1000,
    notes: `answers: ${answersByCode(attempts)}; ${await actorCallsHeld(fs)}`,
  };
  record(result);
  return { result, attempts, answeredAt };
}

function held(attempts: Attempt[]): string[] {
  return attempts.filter((a) => a.outcome === 'acknowledged').map((a) => a.answer?.body?.claimId as string);
}

/**
 * How often the fault made daprd let go of an actor's turn (a caller gave up) and the inventory's
 * actor host held the next call back, or dropped one whose caller had left: what shows the scenario
 * reached that path. Read from the inventory's own /metrics.
 */
async function actorCallsHeld(fs: FaultStack): Promise<string> {
  const port = fs.stack.stack.endpoints('inventory').appMetricsPort;
  const samples = await scrapeMetrics(`http://127.0.0.1:${port}/metrics`);
  const count = (name: string) => sampleValue(samples, name, { actor_type: 'InventoryItem' }) ?? 0;
  return `actor calls held back ${count('dbcarts_actor_calls_held_total')}, dropped ${count('dbcarts_actor_calls_dropped_total')}`;
}
