import { startStack, type TestStack } from '@dbcarts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInventoryClient, type InventoryClient } from '../client';
import { newSku } from './products';

let stack: TestStack;
let inventory: InventoryClient;

beforeAll(async () => {
  stack = await startStack({ apps: ['catalog', 'inventory'] });
  inventory = createInventoryClient(stack.sidecar('inventory'));
});
afterAll(() => stack?.stop());

describe('inventory actor on real sidecars', () => {
  it('never oversells: 500 concurrent buyers race for 100 units; replays and restarts change nothing', async () => {
    const sku = await newSku(stack, 'SKU');
    await inventory.setStock(sku, 100);

    const results = await Promise.all(
      Array.from({ length: 500 }, (_, i) => inventory.reserve({ sku, reservationId: `r-${i}`, quantity: 1 })),
    );
    const won = results.filter((r) => r.ok);
    const lost = results.filter((r) => !r.ok);
    expect(won).toHaveLength(100);
    expect(lost).toHaveLength(400);
    expect(new Set(lost.map((r) => (r.ok ? '' : r.code)))).toEqual(new Set(['INVENTORY.INSUFFICIENT']));
    expect(await inventory.stock(sku)).toEqual({ sku, onHand: 100, reserved: 100, available: 0 });

    // A replayed succeeded id answers its first result and does not decrement again.
    const first = won[0];
    if (!first?.ok) throw new Error('unreachable');
    const replay = await inventory.reserve({ sku, reservationId: first.reservation.reservationId, quantity: 1 });
    expect(replay).toMatchObject({ ok: true, reservation: first.reservation, replayed: true });
    expect(await inventory.stock(sku)).toEqual({ sku, onHand: 100, reserved: 100, available: 0 });

    // State lives in the store, not in the process: restart the app and its sidecar.
    await stack.restartApp('inventory');
    expect(await inventory.stock(sku)).toEqual({ sku, onHand: 100, reserved: 100, available: 0 });
    const afterRestart = await inventory.reserve({ sku, reservationId: 'r-late', quantity: 1 });
    expect(afterRestart.ok).toBe(false);
  });

  it('never oversells without caller batching either: 300 single calls for 50 units', async () => {
    const single = createInventoryClient(stack.sidecar('inventory'), { batching: false });
    const sku = await newSku(stack, 'SKU');
    await single.setStock(sku, 50);
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) => single.reserve({ sku, reservationId: `s-${i}`, quantity: 1 })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(50);
    expect(await single.stock(sku)).toEqual({ sku, onHand: 50, reserved: 50, available: 0 });
  });

  it('confirm and release settle a reservation once; unknown ids are a clear error', async () => {
    const sku = await newSku(stack, 'SKU');
    await inventory.setStock(sku, 10);
    expect((await inventory.reserve({ sku, reservationId: 'a', quantity: 3 })).ok).toBe(true);
    expect((await inventory.reserve({ sku, reservationId: 'b', quantity: 2 })).ok).toBe(true);

    expect(await inventory.confirm(sku, 'a')).toMatchObject({ status: 'confirmed', quantity: 3 });
    expect(await inventory.confirm(sku, 'a')).toMatchObject({ status: 'confirmed' }); // replay
    expect(await inventory.release(sku, 'b')).toMatchObject({ status: 'released', quantity: 2 });
    expect(await inventory.stock(sku)).toEqual({ sku, onHand: 7, reserved: 0, available: 7 });

    await expect(inventory.release(sku, 'a')).rejects.toMatchObject({
      problem: { status: 409, code: 'INVENTORY.RESERVATION_SETTLED' },
    });
    await expect(inventory.confirm(sku, 'nope')).rejects.toMatchObject({
      problem: { status: 404, code: 'INVENTORY.RESERVATION_NOT_FOUND' },
    });
    const mismatch = await inventory.reserve({ sku, reservationId: 'a', quantity: 5 });
    expect(mismatch).toMatchObject({ ok: false, code: 'INVENTORY.RESERVATION_MISMATCH' });
  });

  it('refuses to set stock below what is reserved, and counts a retried restock once', async () => {
    const sku = await newSku(stack, 'SKU');
    await inventory.setStock(sku, 5);
    await inventory.reserve({ sku, reservationId: 'x', quantity: 4 });
    await expect(inventory.setStock(sku, 3)).rejects.toMatchObject({ problem: { code: 'INVENTORY.BELOW_RESERVED' } });
    await Promise.all([inventory.restock(sku, 'rs-1', 10), inventory.restock(sku, 'rs-1', 10)]);
    expect(await inventory.stock(sku)).toEqual({ sku, onHand: 15, reserved: 4, available: 11 });
  });

  it("keeps a SKU's turns one at a time when the sidecar has let go of its lock (a caller gave up)", async () => {
    // The sidecar releases an actor's turn lock as soon as the caller stops waiting, while the app
    // still runs that call, and then sends the next: calls reach the app side by side. 20 restocks
    // sent to the app that way must all count, also while the SKU's state is not loaded yet (as
    // after a failed turn, or here: the app deactivated it while the sidecar keeps it placed).
    const sku = await newSku(stack, 'SKU');
    await inventory.setStock(sku, 0); // placed on this host by the sidecar
    const direct = (method: string, path: string, body?: object) =>
      fetch(`${stack.appUrl('inventory')}/actors/InventoryItem/${sku}${path}`, {
        method,
        headers: { ...stack.sidecarHeaders, 'content-type': 'application/json' },
        body: body && JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
    expect((await direct('DELETE', '')).status).toBe(200);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        direct('PUT', '/method/restock', { restockId: `side-by-side-${i}`, quantity: 1 }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    await stack.restartApp('inventory'); // read back from the store, not from the process
    expect(await inventory.stock(sku)).toEqual({ sku, onHand: 20, reserved: 0, available: 20 });
  });

  it('answers bad input with problem+json naming the field', async () => {
    const res = await fetch(`${stack.appUrl('inventory')}/reservations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...stack.sidecarHeaders },
      body: JSON.stringify({ sku: 'bad sku', reservationId: 'r', quantity: 0, extra: 1 }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const body = (await res.json()) as { code: string; errors: { path: string }[] };
    expect(body.code).toBe('REQUEST.INVALID');
    expect(body.errors.map((e) => e.path).sort()).toEqual(['', 'quantity', 'sku']);
  });

  it('takes calls only through its sidecar: without the Dapr app token the API does not exist', async () => {
    const direct = await fetch(`${stack.appUrl('inventory')}/stock/ANY-SKU`);
    expect(direct.status).toBe(404);
    expect(((await direct.json()) as { code: string }).code).toBe('ROUTE.NOT_FOUND');
    const wrong = await fetch(`${stack.appUrl('inventory')}/stock/ANY-SKU`, { headers: { 'dapr-api-token': 'guess' } });
    expect(wrong.status).toBe(404);
    expect((await fetch(`${stack.appUrl('inventory')}/healthz`)).status).toBe(200);
    // Through the sidecar (which adds the token) the same route answers.
    const sku = await newSku(stack, 'SKU');
    expect((await stack.sidecar('inventory').invokeService('inventory', 'GET', `stock/${sku}`)).status).toBe(200);
  });
});
