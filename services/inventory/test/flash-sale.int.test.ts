import { startStack, type TestStack } from '@dbcarts/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInventoryClient, type InventoryClient, type ReserveResult } from '../client';
import { createProducts, newSku } from './products';

const HOLD_MS = 20_000;
let stack: TestStack;
let inventory: InventoryClient;

beforeAll(async () => {
  stack = await startStack({
    apps: ['catalog', 'inventory'],
    appEnv: { inventory: { RESERVATION_HOLD_MS: String(HOLD_MS) } },
  });
  inventory = createInventoryClient(stack.sidecar('inventory'));
});
afterAll(() => stack?.stop());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What a real caller does: retry a transport failure with the same id until a definite answer. */
async function reserveUntilAnswered(req: Parameters<InventoryClient['reserve']>[0]): Promise<ReserveResult> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await inventory.reserve(req);
    } catch (e) {
      if (attempt > 150) throw e;
      await sleep(200);
    }
  }
}

/** The SKU's persisted numbers, read from the store itself: no actor call that could sweep on its own. */
async function storedMeta(sku: string): Promise<{ onHand: number; reserved: number; flashSale?: object }> {
  const redis = new Redis({ host: '127.0.0.1', port: 6379, db: stack.redisDb });
  try {
    const raw = await redis.hget(`inventory||InventoryItem||${sku}||meta`, 'data');
    if (!raw) throw new Error(`no stored meta for ${sku}`);
    const parsed = JSON.parse(raw);
    return typeof parsed === 'string' ? JSON.parse(parsed) : parsed;
  } finally {
    redis.disconnect();
  }
}

describe('flash sale on one SKU', () => {
  it('lists every sale started at once (the directory actor serializes concurrent admins)', async () => {
    const skus = Array.from({ length: 6 }, () => stack.uniqueId('IDX'));
    await createProducts(stack, skus);
    const window = {
      startsAt: new Date(Date.now() - 1000).toISOString(),
      endsAt: new Date(Date.now() + 60_000).toISOString(),
    };
    await Promise.all(skus.map((sku) => inventory.setStock(sku, 10)));
    await Promise.all(
      skus.map((sku, i) =>
        inventory.startFlashSale(sku, {
          id: `idx-${i}`,
          price: { amount: 100, currency: 'USD' },
          quantity: 5,
          perCustomerLimit: 1,
          ...window,
        }),
      ),
    );
    const active = await inventory.activeFlashSales();
    for (const sku of skus) expect(active).toContainEqual(expect.objectContaining({ sku, remaining: 5 }));
  });

  it('2,000 buyers, 200 customers, limit 3, 500 units, a crash mid-run: exactly 500 held, nobody above 3, all back after expiry', async () => {
    const sku = await newSku(stack, 'FLASH');
    await inventory.setStock(sku, 500);
    await inventory.startFlashSale(sku, {
      id: 'fs-1',
      price: { amount: 990, currency: 'USD' },
      startsAt: new Date(Date.now() - 1000).toISOString(),
      endsAt: new Date(Date.now() + 10 * 60_000).toISOString(),
      quantity: 500,
      perCustomerLimit: 3,
    });

    // 20 waves of 100 buyers, 100 ms apart, so the crash lands while reservations are in flight.
    const waves: Promise<ReserveResult[]>[] = [];
    for (let w = 0; w < 20; w++) {
      waves.push(
        Promise.all(
          Array.from({ length: 100 }, (_, i) => {
            const n = w * 100 + i;
            return reserveUntilAnswered({ sku, reservationId: `f-${n}`, customerId: `c-${n % 200}`, quantity: 1 });
          }),
        ),
      );
      if (w === 5) void stack.restartApp('inventory', 'crash');
      await sleep(100);
    }
    const results = (await Promise.all(waves)).flat();

    const won = results.filter((r): r is Extract<ReserveResult, { ok: true }> => r.ok);
    expect(won).toHaveLength(500);
    expect(won.every((r) => r.reservation.unitPrice?.amount === 990)).toBe(true);
    const perCustomer = new Map<string, number>();
    for (const r of won)
      perCustomer.set(r.reservation.customerId ?? '', (perCustomer.get(r.reservation.customerId ?? '') ?? 0) + 1);
    expect(Math.max(...perCustomer.values())).toBeLessThanOrEqual(3);
    const refusals = new Set(results.filter((r) => !r.ok).map((r) => (r.ok ? '' : r.code)));
    for (const code of refusals)
      expect(['FLASH_SALE.LIMIT_EXCEEDED', 'FLASH_SALE.SOLD_OUT', 'INVENTORY.INSUFFICIENT']).toContain(code);
    expect(await inventory.stock(sku)).toEqual({ sku, onHand: 500, reserved: 500, available: 0 });

    // Nobody confirms: the sweep reminder (Dapr scheduler) lapses every hold with no caller touching the SKU.
    const deadline = Date.now() + HOLD_MS + 45_000;
    let meta = await storedMeta(sku);
    while (meta.reserved !== 0 && Date.now() < deadline) {
      await sleep(500);
      meta = await storedMeta(sku);
    }
    expect(meta).toMatchObject({ onHand: 500, reserved: 0 });
    expect(await inventory.stock(sku)).toEqual({ sku, onHand: 500, reserved: 0, available: 500 });
    expect(await inventory.flashSale(sku)).toMatchObject({ id: 'fs-1', remaining: 500 });
    // A replay of a lapsed hold is refused with its state: it holds nothing, and is not held again.
    const expired = await reserveUntilAnswered({ sku, reservationId: 'f-0', customerId: 'c-0', quantity: 1 });
    expect(expired).toMatchObject({ ok: false, code: 'INVENTORY.RESERVATION_SETTLED' });
    expect((await inventory.stock(sku)).reserved).toBe(0);
  });

  it("keeps each customer's limit across a restart though the counts are not stored (taken from the records)", async () => {
    const sku = await newSku(stack, 'LIMIT');
    await inventory.setStock(sku, 50);
    await inventory.startFlashSale(sku, {
      id: 'fs-limit',
      price: { amount: 500, currency: 'USD' },
      startsAt: new Date(Date.now() - 1000).toISOString(),
      endsAt: new Date(Date.now() + 10 * 60_000).toISOString(),
      quantity: 50,
      perCustomerLimit: 2,
    });
    const claim = (id: string, customerId: string) =>
      reserveUntilAnswered({ sku, reservationId: id, customerId, quantity: 1, flashOnly: true });
    expect((await claim('l-1', 'alice')).ok).toBe(true);
    expect((await claim('l-2', 'alice')).ok).toBe(true);
    expect((await claim('l-3', 'bob')).ok).toBe(true);
    const stored = await storedMeta(sku);
    expect(stored.flashSale).toMatchObject({ id: 'fs-limit', sold: 3 });
    expect(stored.flashSale).not.toHaveProperty('perCustomer');
    await stack.restartApp('inventory', 'crash');
    expect(await claim('l-4', 'alice')).toMatchObject({ ok: false, code: 'FLASH_SALE.LIMIT_EXCEEDED' });
    expect((await claim('l-5', 'bob')).ok).toBe(true);
    expect(await claim('l-6', 'bob')).toMatchObject({ ok: false, code: 'FLASH_SALE.LIMIT_EXCEEDED' });
    expect(await inventory.flashSale(sku)).toMatchObject({ remaining: 46 });
  });
});
