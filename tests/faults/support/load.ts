import { randomUUID } from 'node:crypto';
import type { Api, ApiAnswer } from '../../support/api';
import { newCustomer, orderBody } from '../../support/api';
import type { Tally } from './report';

// Load drivers: bounded bursts of real client requests through the gateway, each answer sorted
// into acknowledged / failed (a definite refusal) / indeterminate (no definite answer: a 5xx, a
// queue ticket, a cut connection), which the scenario resolves from stored state afterwards.

export type Outcome = 'acknowledged' | 'failed' | 'indeterminate';

export interface Attempt {
  key: string;
  outcome: Outcome;
  answer?: ApiAnswer;
  error?: string;
  /** When it was sent and how long its answer took (ms). */
  sentAt: number;
  ms: number;
}

/** 503s whose code says nothing was done (docs/problem-codes.md): refusals, not unknowns. */
const DEFINITE_503 = new Set([
  'PAYMENT.UNAVAILABLE',
  'INVENTORY.BUSY',
  'ORDER.ABANDONED',
  'ORDER.FAILED',
  'CHECKOUT.BUSY',
]);

/**
 * 2xx but 202 acknowledged; 4xx, and 503s that say nothing was done, definite refusals; 202, other
 * 5xx (a deadline, a dependency that did not answer) and transport errors indeterminate.
 */
export function classify(answer: ApiAnswer): Outcome {
  if (answer.status >= 200 && answer.status < 300 && answer.status !== 202) return 'acknowledged';
  // Another attempt under the key still runs (a sidecar retried the request after a crash): unknown.
  if (answer.body?.code === 'IDEMPOTENCY.IN_PROGRESS') return 'indeterminate';
  if (answer.status >= 400 && answer.status < 500 && answer.status !== 408) return 'failed';
  if (answer.status === 503 && DEFINITE_503.has(answer.body?.code)) return 'failed';
  return 'indeterminate';
}

export function tally(attempts: readonly Attempt[]): Tally {
  const count = (o: Outcome) => attempts.filter((a) => a.outcome === o).length;
  return {
    attempted: attempts.length,
    acknowledged: count('acknowledged'),
    failed: count('failed'),
    indeterminate: count('indeterminate'),
  };
}

/** Runs `n` requests, at most `concurrency` at once, optionally spread over `spreadMs`. */
export async function burst(
  n: number,
  concurrency: number,
  send: (i: number, key: string) => Promise<ApiAnswer>,
  spreadMs = 0,
): Promise<Attempt[]> {
  const attempts: Attempt[] = new Array(n);
  let next = 0;
  const started = Date.now();
  const worker = async () => {
    for (let i = next++; i < n; i = next++) {
      if (spreadMs) {
        const due = started + (spreadMs * i) / n;
        if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      }
      const key = randomUUID();
      const sentAt = Date.now();
      try {
        const answer = await send(i, key);
        attempts[i] = { key, outcome: classify(answer), answer, sentAt, ms: Date.now() - sentAt };
      } catch (e) {
        attempts[i] = { key, outcome: 'indeterminate', error: String(e), sentAt, ms: Date.now() - sentAt };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  return attempts;
}

/** A flash-drop claim of one unit by `token`'s customer. */
export const claim = (api: Api, sku: string, token: string, key: string) =>
  api('POST', `/api/flash-sales/${sku}/claims`, { quantity: 1 }, token, { 'idempotency-key': key });

export interface Payment {
  provider: string;
  token: string;
}

/** A one-line checkout, paid with the test provider unless told otherwise. */
export const checkout = (api: Api, sku: string, token: string, key: string, payment?: Payment) =>
  api('POST', '/api/orders', { ...orderBody([{ sku, quantity: 1 }]), ...(payment ? { payment } : {}) }, token, {
    'idempotency-key': key,
  });

/** Catalog SKUs (seeded by the stack's catalog), each given `onHand` units. */
export async function stockedSkus(api: Api, admin: string, count: number, onHand: number): Promise<string[]> {
  const page = await api('GET', `/api/products?pageSize=${count}&sort=name`);
  const skus = (page.body.items as { sku: string }[]).map((p) => p.sku);
  for (const sku of skus) {
    const set = await api('PUT', `/api/inventory/${sku}`, { onHand }, admin);
    if (set.status !== 200) throw new Error(`stock of ${sku}: ${set.status} ${set.text}`);
  }
  return skus;
}

/** Registered customers (orders looks their email up, so checkout needs real accounts), tokens included. */
export async function customers(api: Api, n: number, prefix: string): Promise<{ id: string; token: string }[]> {
  const run = randomUUID().slice(0, 8);
  return Promise.all(Array.from({ length: n }, (_, i) => newCustomer(api, `${prefix}-${run}-${i}`)));
}

/** How the answers went, by status and problem code: `201 ×537, 409 FLASH_SALE.SOLD_OUT ×899, ...`. */
export function answersByCode(attempts: readonly Attempt[]): string {
  const counts = new Map<string, number>();
  for (const a of attempts) {
    const k = a.answer ? `${a.answer.status}${a.answer.body?.code ? ` ${a.answer.body.code}` : ''}` : 'no answer';
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${k} ×${n}`).join(', ');
}
