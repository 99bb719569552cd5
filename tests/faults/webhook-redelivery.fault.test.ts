import { randomUUID } from 'node:crypto';
import { createPaymentsClient } from '@dbcarts/payments/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiAnswer } from '../support/api';
import { type StripeMock, startStripeMock } from '../../services/payments/test/support/stripe-mock';
import { stripeSignature } from '../../services/payments/test/support/webhook-signers';
import { type FaultStack, startFaultStack } from './support/fault-stack';
import { burst, tally } from './support/load';
import { type Check, record } from './support/report';

// Scenario 8: provider webhooks as providers really send them: every event delivered 5 times, the
// deliveries of all events shuffled (out of order), one of each event's 5 with a bad signature, and
// for each payment BOTH outcomes announced (captured and released: a capture and a cancellation
// crossing), while our own capture of some of them races the webhooks. Whichever comes first wins,
// once: each payment ends captured or voided, never both, its ledger balanced, each event recorded once.
const PAYMENTS = 20;
const COPIES = 5;
const AMOUNT = 2500;

let mock: StripeMock;
let fs: FaultStack;

beforeAll(async () => {
  mock = await startStripeMock();
  fs = await startFaultStack({
    apps: ['payments', 'gateway'],
    secrets: { 'stripe-secret-key': 'sk_test_faults42' },
    appEnv: { payments: { STRIPE_API_URL: mock.url } },
  });
}, 240_000);
afterAll(async () => {
  await fs?.stop();
  await mock?.stop();
});

interface Delivery {
  body: string;
  signature: string;
}

describe('fault 8: the same webhook 5 times, out of order, one bad signature', () => {
  it('each payment captured or voided exactly once, every event recorded once, bad signatures refused', async () => {
    const started = Date.now();
    const client = createPaymentsClient(fs.stack.sidecar('payments'));
    const secret = fs.stack.secrets['stripe-webhook-secret'] as string;
    const payments = await Promise.all(
      Array.from({ length: PAYMENTS }, async () => {
        const orderId = randomUUID();
        const p = await client.authorize({
          orderId,
          customerId: 'cust-faults',
          amount: { amount: AMOUNT, currency: 'EUR' },
          provider: 'stripe',
          token: 'pm_card_visa',
        });
        expect(p.status).toBe('authorized');
        const [row] = await fs.sql<{ provider_ref: string }>(
          'SELECT provider_ref FROM `{payments}`.payments WHERE order_id = ?',
          [orderId],
        );
        return { orderId, ref: row?.provider_ref as string };
      }),
    );

    const deliveries: Delivery[] = [];
    const eventIds: string[] = [];
    for (const p of payments) {
      for (const type of ['payment_intent.succeeded', 'payment_intent.canceled']) {
        const id = `evt_${type.split('.')[1]}_${p.orderId}`;
        eventIds.push(id);
        const body = JSON.stringify({
          id,
          object: 'event',
          type,
          api_version: '2026-08-26.dahlia',
          data: { object: { id: p.ref, object: 'payment_intent' } },
        });
        for (let c = 0; c < COPIES; c++) {
          // One copy of each event signed with a key that is not ours.
          deliveries.push({ body, signature: stripeSignature(body, c === 2 ? 'whsec_not_ours' : secret) });
        }
      }
    }
    shuffle(deliveries);

    const [attempts] = await Promise.all([
      burst(deliveries.length, 8, (i) => deliver(deliveries[i] as Delivery)),
      // Our own capture (a shipment) of every payment races the provider's notices, at random moments
      // of the burst, twice (a retried request).
      Promise.all(
        [...payments, ...payments].map(async (p) => {
          await new Promise((r) => setTimeout(r, Math.random() * 1500));
          await client.capture(p.orderId).catch(() => undefined);
        }),
      ),
    ]);
    // A delivery that met a step in flight is answered 503 + Retry-After (PAYMENT.IN_PROGRESS), which
    // tells the provider to send it again later: the provider's redelivery, until each is taken.
    let open = attempts
      .map((a, i) => ({ a, d: deliveries[i] as Delivery }))
      .filter(({ a }) => a.outcome === 'indeterminate');
    const busy = open.map(({ a }) => `${a.answer?.status} ${a.answer?.body?.code}`);
    for (let round = 0; round < 5 && open.length; round++) {
      await new Promise((r) => setTimeout(r, 1000));
      const again = await Promise.all(open.map(({ d }) => deliver(d)));
      open = open.filter((_, j) => (again[j]?.status ?? 500) >= 500);
    }
    expect(open).toEqual([]);
    expect(
      busy.every((b) => b === '503 PAYMENT.IN_PROGRESS'),
      busy.join(', '),
    ).toBe(true);
    expect(attempts.filter((a) => a.outcome === 'failed')).toHaveLength(PAYMENTS * 2);
    for (const a of attempts.filter((x) => x.outcome === 'failed')) {
      expect(a.answer?.body?.code).toBe('WEBHOOK.INVALID_SIGNATURE');
    }

    const ledger = await fs.sql<{
      order_id: string;
      dr: number;
      cr: number;
      held: number;
      captures: number;
      voids: number;
    }>(
      `SELECT order_id, SUM(debit) AS dr, SUM(credit) AS cr,
              SUM(CASE WHEN account = 'held' THEN debit - credit ELSE 0 END) AS held,
              COUNT(DISTINCT CASE WHEN kind = 'capture' THEN journal END) AS captures,
              COUNT(DISTINCT CASE WHEN kind = 'void' THEN journal END) AS voids
         FROM \`{payments}\`.ledger_entries GROUP BY order_id`,
    );
    const recorded = await fs.sql<{ event_id: string; n: number }>(
      "SELECT event_id, COUNT(*) AS n FROM `{payments}`.webhook_events WHERE provider = 'stripe' GROUP BY event_id",
    );
    const rec = new Map(recorded.map((r) => [r.event_id, Number(r.n)]));
    const endings = ledger.map((l) => Number(l.captures) + Number(l.voids));
    const checks: Record<string, Check> = {
      'no double capture': {
        ok: ledger.every((l) => Number(l.captures) <= 1) && endings.every((n) => n === 1),
        detail: `per payment captures+voids: ${endings.join(',')} (each must be 1)`,
      },
      'event applied once': {
        ok: eventIds.every((id) => rec.get(id) === 1) && recorded.length === eventIds.length,
        detail: `${recorded.length} events recorded for ${eventIds.length} sent ${COPIES} times each`,
      },
      'ledger balanced': {
        ok: ledger.length === PAYMENTS && ledger.every((l) => Number(l.dr) === Number(l.cr) && Number(l.held) === 0),
        detail: `${ledger.length} ledgers, each Σdebit = Σcredit and nothing held`,
      },
    };
    const result = {
      scenario: '8 webhook ×5, out of order, one bad signature',
      injection: `${PAYMENTS} payments × 2 crossing events × ${COPIES} deliveries shuffled; 1 of 5 forged; own capture racing`,
      tally: tally(attempts),
      checks,
      seconds: (Date.now() - started) / 1000,
    };
    record(result);
    for (const [name, c] of Object.entries(checks)) expect(c.ok, `${name}: ${c.detail}`).toBe(true);
    // Every payment whose capture we asked for and got is captured in the ledger, not voided.
    for (const p of payments) {
      const state = await client.get(p.orderId);
      expect(['captured', 'voided']).toContain(state?.status);
    }
  }, 180_000);
});

/** POST through the gateway's public webhook route, the raw body exactly as signed. */
async function deliver(d: Delivery): Promise<ApiAnswer> {
  const res = await fetch(`${fs.stack.appUrl('gateway')}/api/payments/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': d.signature },
    body: d.body,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: res.status, headers: res.headers, text, body };
}

function shuffle<T>(a: T[]): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
}
