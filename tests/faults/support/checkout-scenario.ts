import { expect } from 'vitest';
import type { ApiAnswer } from '../../support/api';
import type { FaultStack } from './fault-stack';
import { eventsApplied, orderInvariants, settled } from './invariants';
import {
  answersByCode,
  type Attempt,
  burst,
  checkout,
  classify,
  customers,
  type Payment,
  stockedSkus,
  tally,
} from './load';
import { type Check, type Invariant, record, type ScenarioResult } from './report';

// The shape of every checkout scenario: stock a few SKUs, start a burst of real checkouts through
// the gateway, inject the fault while it runs, wait until every order is terminal and every event
// left the outbox, then read the invariants from stored state and print the row.

export interface CheckoutScenario {
  scenario: string;
  /** Evaluated when the row is printed, so it can name what the fault met (e.g. events waiting). */
  injection: string | (() => string);
  orders: number;
  concurrency: number;
  spreadMs: number;
  skus?: number;
  /** Units per SKU: fewer than the orders want, so some are refused for stock. */
  onHand: number;
  /** How checkouts pay (the test provider by default). */
  payment?: Payment;
  /** Runs alongside the burst; the burst started `0` ms before. */
  fault: () => Promise<void>;
  /** How long orders may take to settle after the burst (recovery sweeps, outbox retries). */
  settleMs: number;
  /** Runs once every order settled and shipped, before the invariants are read (e.g. an operator's remedy). */
  beforeChecks?: () => Promise<void>;
  /** Scenario-specific checks after the common ones, folded into the invariant they belong to. */
  extra?: () => Promise<Partial<Record<Invariant, Check>>>;
}

export interface CheckoutOutcome {
  result: ScenarioResult;
  attempts: Attempt[];
}

export async function runCheckoutScenario(fs: FaultStack, s: CheckoutScenario): Promise<CheckoutOutcome> {
  const started = Date.now();
  const skus = await stockedSkus(fs.api, fs.admin, s.skus ?? 2, s.onHand);
  const buyers = await customers(fs.api, 4, 'fault');
  const [attempts] = await Promise.all([
    burst(
      s.orders,
      s.concurrency,
      (i, key) =>
        checkout(fs.api, skus[i % skus.length] as string, buyers[i % buyers.length]?.token as string, key, s.payment),
      s.spreadMs,
    ),
    s.fault(),
  ]);
  await settled(fs, s.settleMs);
  await eventsApplied(fs, 30_000);
  // Each unanswered checkout resolved as its client would: the same request under the same key
  // answers what became of it (a replay), once every order settled.
  const open = attempts.map((a, i) => ({ a, i })).filter(({ a }) => a.outcome === 'indeterminate');
  const replays = await resolveByReplay(open, (a, i) =>
    checkout(fs.api, skus[i % skus.length] as string, buyers[i % buyers.length]?.token as string, a.key, s.payment),
  );
  const lateIds = replays.filter((r) => r.status === 201).map((r) => r.body?.id as string);
  const unresolved = replays.filter(unknown);
  // Every kept order shipped, each twice at once (a retried request, a double click): one capture.
  const placed = await fs.sql<{ id: string }>("SELECT id FROM `{orders}`.orders WHERE status = 'confirmed'");
  const shipped = await burst(placed.length * 2, 8, (i) =>
    fs.api('POST', `/api/admin/orders/${placed[i >> 1]?.id}/ship`, undefined, fs.admin),
  );
  expect(shipped.filter((a) => a.outcome === 'indeterminate').map((a) => a.answer?.status ?? a.error)).toEqual([]);
  await eventsApplied(fs, 30_000);
  await s.beforeChecks?.();
  const acknowledged = attempts.filter((a) => a.outcome === 'acknowledged').map((a) => a.answer?.body?.id as string);
  const checks = await orderInvariants(fs, acknowledged, Object.fromEntries(skus.map((sku) => [sku, s.onHand])));
  const lost = checks['no lost acknowledged order'] as Check;
  const lateLost = lateIds.filter((id) => !acknowledged.includes(id));
  checks['no lost acknowledged order'] = {
    ok: lost.ok && unresolved.length === 0,
    detail: `${lost.detail}; ${open.length} unanswered, on retry with their key: ${lateIds.length} placed, ${replays.length - lateIds.length - unresolved.length} refused, ${unresolved.length} still unknown${unresolved.length ? ` (${unresolved.map((r) => `${r.status} ${r.body?.code}`).join(', ')})` : ''}`,
  };
  if (lateLost.length) {
    const late = await orderInvariants(fs, lateLost, {});
    checks['no lost acknowledged order'] = {
      ok: (checks['no lost acknowledged order'] as Check).ok && (late['no lost acknowledged order'] as Check).ok,
      detail: `${checks['no lost acknowledged order']?.detail}; late: ${late['no lost acknowledged order']?.detail}`,
    };
  }
  for (const [name, c] of Object.entries((await s.extra?.()) ?? {}) as [Invariant, Check][]) {
    const base = checks[name];
    checks[name] = base ? { ok: base.ok && c.ok, detail: `${base.detail}; ${c.detail}` } : c;
  }
  const result: ScenarioResult = {
    scenario: s.scenario,
    injection: typeof s.injection === 'string' ? s.injection : s.injection(),
    tally: tally(attempts),
    checks,
    seconds: (Date.now() - started) / 1000,
    notes: `answers: ${answersByCode(attempts)}`,
  };
  record(result);
  return { result, attempts };
}

/** Every check held, each failure named with what it compared. */
export function expectAllHeld(result: ScenarioResult): void {
  for (const [name, c] of Object.entries(result.checks)) expect(c?.ok, `${name}: ${c?.detail}`).toBe(true);
}

/**
 * A stored answer replayed is definite whatever its status (a 503 ORDER.ABANDONED says the order was
 * undone); 409 IDEMPOTENCY.IN_PROGRESS and an unreplayed 5xx are not.
 */
const unknown = (r: ApiAnswer) =>
  r.body?.code === 'IDEMPOTENCY.IN_PROGRESS' ||
  (classify(r) === 'indeterminate' && r.headers.get('idempotent-replayed') !== 'true');

/** Retries each open request under its key (up to 5 rounds, 2 s apart, as a client would) until definite. */
async function resolveByReplay(
  open: { a: Attempt; i: number }[],
  send: (a: Attempt, i: number) => Promise<ApiAnswer>,
): Promise<ApiAnswer[]> {
  const answers: ApiAnswer[] = [];
  let pending = open.map((o, j) => ({ ...o, j }));
  for (let round = 0; round < 5 && pending.length; round++) {
    if (round) await new Promise((r) => setTimeout(r, 2000));
    await Promise.all(
      pending.map(async (p) => {
        answers[p.j] = await send(p.a, p.i).catch(
          (e): ApiAnswer => ({ status: 0, headers: new Headers(), text: String(e), body: { code: 'TRANSPORT' } }),
        );
      }),
    );
    pending = pending.filter((p) => unknown(answers[p.j] as ApiAnswer));
  }
  return answers;
}
