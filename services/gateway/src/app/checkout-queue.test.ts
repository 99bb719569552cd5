import type { RelayedAnswer } from '@dbcarts/orders/client';
import { afterEach, describe, expect, it } from 'vitest';
import { type Checkout, CheckoutQueue } from './checkout-queue';

/** A stand-in for the orders service: checkouts finish when the test says, in any order. */
function slowOrders() {
  const started: string[] = [];
  const pending = new Map<string, (a: RelayedAnswer) => void>();
  return {
    started,
    place: (c: Checkout) =>
      new Promise<RelayedAnswer>((resolve) => {
        started.push(c.key);
        pending.set(c.key, resolve);
      }),
    finish(key: string, status = 201) {
      pending.get(key)?.({ status, body: { id: `order-${key}` }, replayed: false });
      pending.delete(key);
    },
  };
}
const tick = () => new Promise((r) => setTimeout(r, 5));
let queue: CheckoutQueue | undefined;
afterEach(() => queue?.stop());

describe('CheckoutQueue', () => {
  it('places at once while slots are free; beyond, admits in arrival order as checkouts complete', async () => {
    const orders = slowOrders();
    queue = new CheckoutQueue(orders.place, { concurrency: 2, maxWaiting: 100, syncWaitMs: 10_000 });
    const submitted = ['a', 'b', 'c', 'd', 'e'].map((key) => queue?.submit({ customerId: 'cu', key, body: {} }));
    await tick();
    expect(orders.started).toEqual(['a', 'b']);
    expect(queue.position('cu', 'c')).toMatchObject({ position: 1 });
    expect(queue.position('cu', 'e')).toMatchObject({ position: 3 });
    orders.finish('b'); // a later one finishing first still frees the slot for the oldest waiting
    await tick();
    expect(orders.started).toEqual(['a', 'b', 'c']);
    expect(queue.position('cu', 'c')).toEqual({ position: 0, estimatedWaitSeconds: 0 }); // being placed
    expect(queue.position('cu', 'd')).toMatchObject({ position: 1 });
    for (const k of ['a', 'c', 'd', 'e']) {
      orders.finish(k);
      await tick();
    }
    expect(orders.started).toEqual(['a', 'b', 'c', 'd', 'e']);
    const answers = await Promise.all(submitted);
    expect(answers.every((a) => a && 'answer' in a && a.answer.status === 201)).toBe(true);
  });

  it('answers a request still waiting after syncWaitMs with its position, and the checkout goes on', async () => {
    const orders = slowOrders();
    queue = new CheckoutQueue(orders.place, { concurrency: 1, maxWaiting: 100, syncWaitMs: 20 });
    void queue.submit({ customerId: 'cu', key: 'first', body: {} });
    const second = await queue.submit({ customerId: 'cu', key: 'second', body: {} });
    expect(second).toEqual({ queued: { position: 1, estimatedWaitSeconds: 1 } });
    // The same checkout again (a client retry) waits with the first, never twice in the queue.
    expect(await queue.submit({ customerId: 'cu', key: 'second', body: {} })).toMatchObject({
      queued: { position: 1 },
    });
    expect(queue.stats.waiting).toBe(1);
    orders.finish('first');
    await tick();
    expect(orders.started).toEqual(['first', 'second']);
  });

  it('refuses past maxWaiting instead of growing without bound', async () => {
    const orders = slowOrders();
    queue = new CheckoutQueue(orders.place, { concurrency: 1, maxWaiting: 2, syncWaitMs: 1 });
    void queue.submit({ customerId: 'cu', key: 'a', body: {} });
    await queue.submit({ customerId: 'cu', key: 'b', body: {} });
    await queue.submit({ customerId: 'cu', key: 'c', body: {} });
    expect(await queue.submit({ customerId: 'cu', key: 'd', body: {} })).toEqual({ refused: 'full' });
  });

  it('a waiting checkout that fails without an answer is reported, never an unhandled rejection', async () => {
    const failed: string[] = [];
    let calls = 0;
    queue = new CheckoutQueue(
      async (c) => {
        calls++;
        if (c.key === 'blocker') await new Promise((r) => setTimeout(r, 30));
        if (c.key === 'doomed') throw new Error('orders unreachable');
        return { status: 201, body: {}, replayed: false };
      },
      { concurrency: 1, maxWaiting: 10, syncWaitMs: 1, onFailed: (c) => failed.push(c.key) },
    );
    void queue.submit({ customerId: 'cu', key: 'blocker', body: {} });
    expect(await queue.submit({ customerId: 'cu', key: 'doomed', body: {} })).toMatchObject({ queued: {} });
    await new Promise((r) => setTimeout(r, 60));
    expect(calls).toBe(2);
    expect(failed).toEqual(['doomed']);
  });

  it('tells onWaiting when a checkout starts waiting (claims are renewed then)', async () => {
    const orders = slowOrders();
    const waited: string[] = [];
    queue = new CheckoutQueue(orders.place, {
      concurrency: 1,
      maxWaiting: 10,
      syncWaitMs: 1,
      onWaiting: (c) => waited.push(c.key),
    });
    void queue.submit({ customerId: 'cu', key: 'runs', body: {} });
    await queue.submit({ customerId: 'cu', key: 'waits', body: {} });
    expect(waited).toEqual(['waits']);
  });
});
