import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { AbstractActor } from '@dapr/dapr';
import { metricsSnapshot } from '@dbcarts/metrics';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActorHost } from './actor-host';

// What the sidecar does when a caller gives up (a resiliency timeout): it drops the call to the app
// and lets go of the actor's turn lock while the app is still running that call. The host must keep
// the actor's turns one at a time anyway, and skip calls whose caller left while they waited.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const runs: string[] = [];
const inside = new Map<string, number>();
let peak = 0;

class TurnProbe extends AbstractActor {
  async work(body: { label: string; ms: number }) {
    const id = this.getActorId().getId();
    inside.set(id, (inside.get(id) ?? 0) + 1);
    peak = Math.max(peak, inside.get(id) ?? 0);
    runs.push(body.label);
    await sleep(body.ms);
    inside.set(id, (inside.get(id) ?? 0) - 1);
    return { done: body.label };
  }
}

let base = '';
let close: () => void;

beforeAll(async () => {
  // The sidecar address is never called: the probe keeps no SDK state.
  const { router } = await createActorHost({
    sidecar: { host: '127.0.0.1', httpPort: 1 },
    appPort: 1,
    actors: [TurnProbe],
  });
  const app = express();
  app.use(express.json());
  app.use(router);
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
afterAll(() => close?.());

function call(id: string, label: string, ms: number, giveUpAfterMs?: number) {
  return fetch(`${base}/actors/TurnProbe/${id}/method/work`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ label, ms }),
    signal: giveUpAfterMs ? AbortSignal.timeout(giveUpAfterMs) : undefined,
  }).then(
    async (r) => ({ status: r.status, body: await r.json() }),
    () => 'gave up' as const,
  );
}

describe('actor host: one turn per actor even when the caller gives up', () => {
  it('runs the next call only after an abandoned one has finished, and never one abandoned while waiting', async () => {
    runs.length = 0;
    peak = 0;
    // a: runs 300 ms, its caller leaves after 50. b: arrives then, waits. c: leaves while waiting.
    const a = call('sku-1', 'a', 300, 50);
    await sleep(80);
    const b = call('sku-1', 'b', 20);
    const c = call('sku-1', 'c', 20, 100);
    // Another actor's turns go on meanwhile.
    const other = call('sku-2', 'other', 10);
    expect(await a).toBe('gave up');
    expect(await c).toBe('gave up');
    expect(await other).toEqual({ status: 200, body: { done: 'other' } });
    expect(await b).toEqual({ status: 200, body: { done: 'b' } });
    await sleep(50);
    expect(peak).toBe(1);
    expect(runs).toEqual(['a', 'other', 'b']);
    // Operators see it: b and c arrived while a still ran; c was dropped.
    const samples = await metricsSnapshot();
    const value = (name: string) =>
      samples.find((s) => s.name === name && s.labels.actor_type === 'TurnProbe')?.value ?? 0;
    expect(value('dbcarts_actor_calls_held_total')).toBe(2);
    expect(value('dbcarts_actor_calls_dropped_total')).toBe(1);
  });
});
