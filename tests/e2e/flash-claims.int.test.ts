import { randomUUID } from 'node:crypto';
import { startStack, TEST_ADMIN, type TestStack } from '@dbcarts/testing';
import { Redis } from 'ioredis';
import { importJWK, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, apiCaller, newCustomer, orderBody, startDrop, within } from '../support/api';

// Drops through the gateway on real sidecars: every claim is one customer's HTTP request with its
// own token, through the batching inventory client to the SKU's actor. What each test asserts is
// read back from stored state (the SKU's stock and the sale's remaining units), not only from answers.
// Holds last a minute here: a burst that outlasted a short hold would see its first claims lapse and
// their units sold again (52 × 201 for 50 units in one CI run). The lapse test shortens it live.
const HOLD_MS = 60_000;
const SHORT_HOLD_MS = 2000;
let stack: TestStack;
let api: Api;
let admin: string;
let redis: Redis;
let mint: (customerId: string) => Promise<string>;

beforeAll(async () => {
  stack = await startStack({
    apps: ['users', 'catalog', 'inventory', 'payments', 'promotions', 'orders', 'gateway'],
    appEnv: {
      catalog: { SEED_CATALOG_PRODUCTS: '10' },
      inventory: { RESERVATION_HOLD_MS: String(HOLD_MS) },
      gateway: { RATE_LIMIT_PER_MINUTE: '100000000', REGISTRATIONS_PER_IP_PER_HOUR: '1000' },
    },
  });
  api = apiCaller(stack.appUrl('gateway'));
  admin = (await api('POST', '/api/auth/login', TEST_ADMIN)).body.accessToken;
  redis = new Redis({ host: '127.0.0.1', port: 6379, db: stack.redisDb });
  // Thousands of customers: tokens minted with the dev signing key from the secret store, as the
  // users service signs them (logging in 2,000 accounts would cost minutes of scrypt).
  const jwk = JSON.parse(stack.secrets['jwt-signing-key'] as string) as JWK;
  const key = await importJWK(jwk, 'ES256');
  mint = (customerId) =>
    new SignJWT({ roles: ['customer'], sid: `s-${customerId}` })
      .setProtectedHeader({ alg: 'ES256', kid: jwk.kid as string, typ: 'at+jwt' })
      .setSubject(customerId)
      .setIssuer(stack.appUrl('gateway'))
      .setAudience('dbcarts-api')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(key);
}, 240_000);
afterAll(async () => {
  await redis?.del(
    'gateway.flashsales.claims-paused',
    'inventory.reservation-hold-ms',
    'gateway.flashsales.claim-rate',
  );
  redis?.disconnect();
  await stack?.stop();
});

let skuIndex = 0;
/** A catalog SKU with `onHand` units and a running drop of `quantity` at 9.90. */
async function drop(quantity: number, perCustomerLimit: number, onHand = 1000): Promise<string> {
  const page = await api('GET', '/api/products?pageSize=10&sort=name');
  const sku = page.body.items[skuIndex++].sku as string;
  expect((await api('PUT', `/api/inventory/${sku}`, { onHand }, admin)).status).toBe(200);
  await startDrop(api, admin, sku, quantity, perCustomerLimit);
  return sku;
}

const claim = (sku: string, token: string, key: string = randomUUID(), quantity = 1) =>
  api('POST', `/api/flash-sales/${sku}/claims`, { quantity }, token, { 'idempotency-key': key });
const stockOf = async (sku: string) => (await api('GET', `/api/inventory/${sku}`)).body;
const remaining = async (sku: string) =>
  ((await api('GET', '/api/flash-sales/active')).body as { sku: string; remaining: number }[]).find(
    (s) => s.sku === sku,
  )?.remaining;

describe('claims in a drop', () => {
  it('2,000 customers at once for 50 units: exactly 50 held, every other answer a 409, no 5xx', async () => {
    const sku = await drop(50, 1);
    const tokens = await Promise.all(Array.from({ length: 2000 }, (_, i) => mint(`drop-${skuIndex}-${i}`)));
    const answers = await Promise.all(tokens.map((t) => claim(sku, t)));
    const byStatus: Record<number, number> = {};
    for (const a of answers) byStatus[a.status] = (byStatus[a.status] ?? 0) + 1;
    expect(byStatus).toEqual({ 201: 50, 409: 1950 });
    expect(new Set(answers.filter((a) => a.status === 409).map((a) => a.body.code))).toEqual(
      new Set(['FLASH_SALE.SOLD_OUT']),
    );
    const held = answers.filter((a) => a.status === 201).map((a) => a.body);
    expect(new Set(held.map((c) => c.claimId)).size).toBe(50);
    for (const c of held) {
      expect(c).toMatchObject({ sku, quantity: 1, unitPrice: { amount: 990, currency: 'USD' } });
      expect(Date.parse(c.expiresAt)).toBeGreaterThan(Date.now());
    }
    // Stored state agrees: 50 units held for the drop, none left in it.
    expect(await stockOf(sku)).toMatchObject({ onHand: 1000, reserved: 50 });
    expect(await remaining(sku)).toBe(0);
  }, 120_000);

  it("holds a customer's limit under concurrent claims and retries; a retry replays, never claims twice", async () => {
    const sku = await drop(100, 2);
    const token = await mint(`limit-${randomUUID()}`);
    const keys = Array.from({ length: 10 }, () => randomUUID());
    // Ten different claims and three retries of each, all at once.
    const answers = await Promise.all(
      keys.flatMap((k) => [claim(sku, token, k), claim(sku, token, k), claim(sku, token, k)]),
    );
    const won = new Set(answers.filter((a) => a.status === 201).map((a) => a.body.claimId));
    expect(won.size).toBe(2);
    expect(answers.every((a) => a.status === 201 || a.body.code === 'FLASH_SALE.LIMIT_EXCEEDED')).toBe(true);
    expect((await stockOf(sku)).reserved).toBe(2);
    // Afterwards: a retry of a winning key replays its claim; that key for another quantity is refused.
    const firstWin = answers.findIndex((a) => a.status === 201);
    const winningKey = keys[Math.floor(firstWin / 3)] as string;
    const replay = await claim(sku, token, winningKey);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.claimId).toBe(answers[firstWin]?.body.claimId);
    expect(await claim(sku, token, winningKey, 2)).toMatchObject({
      status: 422,
      body: { code: 'IDEMPOTENCY.KEY_REUSED' },
    });
    expect((await stockOf(sku)).reserved).toBe(2);
  });

  it('claim → order → paid at the flash price; the claim becomes the order and leaves the drop sold', async () => {
    const sku = await drop(5, 1);
    const buyer = await newCustomer(api, `claimer-${randomUUID().slice(0, 8)}`);
    const held = await claim(sku, buyer.token);
    expect(held.status).toBe(201);
    const order = await api(
      'POST',
      '/api/orders',
      orderBody([{ sku, quantity: 1, claimId: held.body.claimId }]),
      buyer.token,
      { 'idempotency-key': randomUUID() },
    );
    expect(order.status).toBe(201);
    expect(order.body).toMatchObject({ status: 'confirmed', total: { amount: 990, currency: 'USD' } });
    // The held unit left with the order: nothing reserved, one unit fewer on hand, the drop one down.
    expect(await stockOf(sku)).toMatchObject({ onHand: 999, reserved: 0 });
    expect(await remaining(sku)).toBe(4);
    // A confirmed claim is the order's: it cannot be given back.
    const giveBack = await api('DELETE', `/api/flash-sales/${sku}/claims/${held.body.claimId}`, undefined, buyer.token);
    expect(giveBack.status).toBe(409);
  });

  it('an unpaid claim lapses at expiresAt, its unit returns to the drop once, and someone else claims it', async () => {
    // Holds of 2 s (the live switch), in force once a scratch claim shows it.
    await redis.set('inventory.reservation-hold-ms', `${SHORT_HOLD_MS}||10`);
    const scratch = await drop(100, 100);
    const probe = await mint(`probe-${randomUUID()}`);
    await within(3000, async () => {
      const c = await claim(scratch, probe);
      return c.status === 201 && Date.parse(c.body.expiresAt) - Date.now() <= SHORT_HOLD_MS;
    });
    const sku = await drop(1, 1);
    const late = await newCustomer(api, `late-${randomUUID().slice(0, 8)}`);
    const first = await claim(sku, late.token);
    expect(first.status).toBe(201);
    expect((await claim(sku, await mint(`other-${randomUUID()}`))).body.code).toBe('FLASH_SALE.SOLD_OUT');
    await within(SHORT_HOLD_MS + 10_000, async () => (await stockOf(sku)).reserved === 0);
    expect(await remaining(sku)).toBe(1); // back exactly once
    expect((await claim(sku, await mint(`next-${randomUUID()}`))).status).toBe(201);
    expect(await remaining(sku)).toBe(0);
    // The lapsed claim cannot be ordered: the order is refused and holds nothing.
    const order = await api(
      'POST',
      '/api/orders',
      orderBody([{ sku, quantity: 1, claimId: first.body.claimId }]),
      late.token,
      { 'idempotency-key': randomUUID() },
    );
    expect(order.status).toBe(409);
    expect(await stockOf(sku)).toMatchObject({ onHand: 1000, reserved: 1 });
    await redis.set('inventory.reservation-hold-ms', '||11'); // back to the stack's minute
  }, 60_000);

  it('gives a claim back at once, but only to its owner', async () => {
    const sku = await drop(3, 3);
    const owner = await mint(`owner-${randomUUID()}`);
    const held = await claim(sku, owner, randomUUID(), 2);
    expect(held.status).toBe(201);
    const path = `/api/flash-sales/${sku}/claims/${held.body.claimId}`;
    expect((await api('DELETE', path, undefined, await mint(`thief-${randomUUID()}`))).status).toBe(404);
    expect(await remaining(sku)).toBe(1);
    expect((await api('DELETE', path, undefined, owner)).status).toBe(204);
    expect((await api('DELETE', path, undefined, owner)).status).toBe(204); // twice: still given back once
    expect(await remaining(sku)).toBe(3);
    expect((await stockOf(sku)).reserved).toBe(0);
  });

  it('the kill switch stops new claims within 1 s and lifting it resumes them (Dapr Configuration, no restart)', async () => {
    const sku = await drop(100, 100);
    const token = await mint(`switch-${randomUUID()}`);
    expect((await claim(sku, token)).status).toBe(201);
    await redis.set('gateway.flashsales.claims-paused', `${sku}||1`);
    const took = await within(1000, async () => (await claim(sku, token)).body.code === 'FLASH_SALE.NOT_ACTIVE');
    expect(took).toBeLessThanOrEqual(1000);
    const reservedWhilePaused = (await stockOf(sku)).reserved;
    for (let i = 0; i < 5; i++) expect((await claim(sku, token)).status).toBe(409);
    expect((await stockOf(sku)).reserved).toBe(reservedWhilePaused);
    await redis.set('gateway.flashsales.claims-paused', '||2');
    await within(1000, async () => (await claim(sku, token)).status === 201);
  });

  it('the claim rate of a drop is a live switch: over it, 429 FLASH_SALE.BUSY with Retry-After, nothing held', async () => {
    const sku = await drop(100, 100);
    const token = await mint(`rate-${randomUUID()}`);
    await redis.set('gateway.flashsales.claim-rate', '3||1');
    try {
      await within(1000, async () => (await claim(sku, token)).status === 429);
      await new Promise((r) => setTimeout(r, 1100)); // a fresh second
      const before = (await stockOf(sku)).reserved;
      const burst = await Promise.all(Array.from({ length: 12 }, () => claim(sku, token)));
      const held = burst.filter((a) => a.status === 201).length;
      expect(held).toBeGreaterThanOrEqual(1);
      expect(held).toBeLessThanOrEqual(6); // 3 a second; the burst may straddle two seconds
      for (const a of burst.filter((x) => x.status !== 201)) {
        expect(a).toMatchObject({ status: 429, body: { code: 'FLASH_SALE.BUSY' } });
        expect(Number(a.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      }
      expect((await stockOf(sku)).reserved).toBe(before + held);
    } finally {
      await redis.set('gateway.flashsales.claim-rate', '||2');
    }
    await within(1000, async () => {
      const burst = await Promise.all(Array.from({ length: 8 }, () => claim(sku, token)));
      return burst.every((a) => a.status === 201);
    });
  });

  it('the hold time is a live switch: claims made after a change hold for the new time, without restart', async () => {
    const sku = await drop(100, 100);
    const token = await mint(`hold-${randomUUID()}`);
    const holdOf = async () => {
      const held = await claim(sku, token);
      expect(held.status).toBe(201);
      return Date.parse(held.body.expiresAt) - Date.now();
    };
    expect(await holdOf()).toBeLessThanOrEqual(HOLD_MS);
    await redis.set('inventory.reservation-hold-ms', '120000||1');
    try {
      await within(1000, async () => (await holdOf()) > 100_000);
    } finally {
      await redis.set('inventory.reservation-hold-ms', '||2');
    }
    await within(1000, async () => (await holdOf()) <= HOLD_MS);
  });

  it('refuses a claim where no drop runs, without holding anything', async () => {
    const page = await api('GET', '/api/products?pageSize=10&sort=name');
    const sku = page.body.items[9].sku as string;
    expect((await api('PUT', `/api/inventory/${sku}`, { onHand: 10 }, admin)).status).toBe(200);
    const answer = await claim(sku, await mint(`nodrop-${randomUUID()}`));
    expect(answer).toMatchObject({ status: 409, body: { code: 'FLASH_SALE.NOT_ACTIVE' } });
    expect((await stockOf(sku)).reserved).toBe(0);
  });
});
