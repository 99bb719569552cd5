import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startStack, TEST_ADMIN, type TestStack } from '@dbcarts/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, apiCaller, newCustomer, orderBody, startDrop } from '../support/api';
import { expectAccessible, launch, REPO, STOREFRONT_DIST, watch } from './storefront.support';

// The ops board (issue 14) in a real Chromium against a real stack: an admin signs in through the
// storefront's OIDC flow and opens /admin/ops; a small drop runs through the API (one customer over
// their limit, more customers than units); the board's remaining units must come to what inventory
// stores (read through the API), its refusals to the refusals the customers got, and the checkout
// to a link to its trace. axe-core on the board; a screenshot under .artifacts/ops-board/.

const ARTIFACTS = join(REPO, '.artifacts', 'ops-board');
const JAEGER_UI = 'http://127.0.0.1:16686';

let stack: TestStack;
let gw: string;
let api: Api;
let admin: string;
let browser: Browser;
let page: Page;
let problems: string[];

beforeAll(async () => {
  if (!existsSync(join(STOREFRONT_DIST, 'index.html'))) {
    throw new Error(`no built storefront in ${STOREFRONT_DIST}: run npm run build first`);
  }
  [stack, browser] = await Promise.all([
    startStack({
      apps: ['users', 'catalog', 'inventory', 'payments', 'promotions', 'orders', 'gateway'],
      appEnv: {
        catalog: { SEED_CATALOG_PRODUCTS: '3' },
        gateway: {
          STOREFRONT_DIR: STOREFRONT_DIST,
          RATE_LIMIT_PER_MINUTE: '1000000',
          REGISTRATIONS_PER_IP_PER_HOUR: '1000',
          JAEGER_UI_URL: JAEGER_UI,
        },
      },
    }),
    launch(),
  ]);
  gw = stack.appUrl('gateway');
  api = apiCaller(gw);
  admin = (await api('POST', '/api/auth/login', TEST_ADMIN)).body.accessToken;
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 1000 } });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  problems = watch(page, gw);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** The board's figure for one drop, as the page shows it. */
const shownRemaining = (sku: string) =>
  page.locator(`[data-testid="ops-drops"] tr[data-sku="${sku}"] [data-testid="remaining"]`).textContent();

describe('the ops board', () => {
  it('follows a drop live: remaining units as inventory stores them, refusals by reason, the checkout linked to its trace', async () => {
    // A customer cannot get a stream ticket (the route is admin-only).
    const customer0 = await newCustomer(api, stack.uniqueId('ops0'));
    expect((await api('POST', '/api/admin/ops/stream-tickets', undefined, customer0.token)).status).toBe(403);

    // The admin signs in through the storefront (OIDC code + PKCE) and lands on the board.
    await page.goto(`${gw}/admin/ops`);
    await page.getByRole('button', { name: 'Continue to sign in' }).click();
    await page.waitForURL(/\/oidc\/interaction\//);
    await page.getByLabel('Email').fill(TEST_ADMIN.email);
    await page.getByLabel('Password').fill(TEST_ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${gw}/admin/ops`);
    await page.getByRole('heading', { name: 'Ops board', level: 1 }).waitFor();
    await expect.poll(() => page.getByTestId('ops-state').textContent()).toContain('Live');
    await expect.poll(() => page.getByRole('link', { name: 'Ops board' }).count()).toBe(1);

    // A drop of 4 units, one per customer.
    const product = (await api('GET', '/api/products?pageSize=3&sort=name')).body.items[0] as { sku: string };
    const sku = product.sku;
    expect((await api('PUT', `/api/inventory/${sku}`, { onHand: 20 }, admin)).status).toBe(200);
    await startDrop(api, admin, sku, 4, 1);
    await expect.poll(() => shownRemaining(sku), { timeout: 10_000 }).toBe('4');

    // Customer 0 claims, then asks for another unit (over the limit); then 6 more customers race for the rest.
    const outcomes: Record<string, number> = {};
    const claim = async (token: string) => {
      const res = await api('POST', `/api/flash-sales/${sku}/claims`, { quantity: 1 }, token, {
        'idempotency-key': randomBytes(8).toString('hex'),
      });
      const key = res.status === 201 ? 'claimed' : String(res.body?.code);
      outcomes[key] = (outcomes[key] ?? 0) + 1;
      return res;
    };
    const first = await claim(customer0.token);
    expect(first.status).toBe(201);
    expect((await claim(customer0.token)).status).toBe(409);
    const others = await Promise.all(
      Array.from({ length: 6 }, (_, i) => newCustomer(api, stack.uniqueId(`ops${i + 1}`))),
    );
    await Promise.all(others.map((c) => claim(c.token)));
    expect(outcomes.claimed).toBe(4);
    expect(outcomes['FLASH_SALE.LIMIT_EXCEEDED']).toBe(1);
    expect(outcomes['FLASH_SALE.SOLD_OUT']).toBe(3);

    // Customer 0 checks the claim out, the request carrying a trace context of its own.
    const traceId = randomBytes(16).toString('hex');
    const order = await api(
      'POST',
      '/api/orders',
      orderBody([{ sku, quantity: 1, claimId: first.body.claimId }]),
      customer0.token,
      {
        'idempotency-key': randomBytes(8).toString('hex'),
        traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
      },
    );
    expect(order.status).toBe(201);

    // The stored truth, through the API: the drop's remaining units and the SKU's stock.
    const active = (await api('GET', '/api/flash-sales/active')).body as { sku: string; remaining: number }[];
    const stored = active.find((s) => s.sku === sku);
    const stock = (await api('GET', `/api/inventory/${sku}`)).body as { onHand: number; reserved: number };
    expect(stored?.remaining).toBe(0);
    expect(stock.reserved + (20 - stock.onHand)).toBe(4); // 3 claims held, 1 ordered (confirmed)
    await expect.poll(() => shownRemaining(sku), { timeout: 10_000 }).toBe(String(stored?.remaining));

    // Refusals: the board's totals are what the customers were told.
    const refused = Object.entries(outcomes)
      .filter(([k]) => k !== 'claimed')
      .reduce((n, [, v]) => n + v, 0);
    await expect
      .poll(() => page.getByTestId('refusals-total').textContent(), { timeout: 10_000 })
      .toBe(String(refused));
    await expect.poll(() => page.getByTestId('claims-total').textContent()).toBe(String(outcomes.claimed));
    const row = (code: string) => page.locator(`[data-testid="ops-refusals"] tr[data-code="${code}"] td`).first();
    expect(await row('FLASH_SALE.SOLD_OUT').textContent()).toBe(String(outcomes['FLASH_SALE.SOLD_OUT']));
    expect(await row('FLASH_SALE.LIMIT_EXCEEDED').textContent()).toBe(String(outcomes['FLASH_SALE.LIMIT_EXCEEDED']));

    // The checkout among the slowest, linked to its trace in Jaeger's UI.
    const link = page.locator('[data-testid="ops-slow"] a').first();
    await link.waitFor({ timeout: 10_000 });
    expect(await link.getAttribute('href')).toBe(`${JAEGER_UI}/trace/${traceId}`);

    // The chart: drawn, and its description carries the numbers for screen readers.
    await expect
      .poll(() => page.locator('[data-testid="drop-chart"] desc').textContent())
      .toContain(`${sku}: 0 of 4 units remaining`);
    expect(await page.locator('[data-testid="drop-chart"] path.series-units').getAttribute('d')).toMatch(
      /^M[\d.]+,[\d.]+ L/,
    );

    // Keyboard: Tab reaches the trace link, with the visible focus ring.
    let onLink = false;
    for (let i = 0; i < 60 && !onLink; i++) {
      await page.keyboard.press('Tab');
      onLink = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        return !!el?.closest('[data-testid="ops-slow"]') && el.tagName === 'A';
      });
    }
    expect(onLink).toBe(true);
    const ring = await page.evaluate(() => {
      const style = getComputedStyle(document.activeElement as HTMLElement);
      return style.outlineStyle === 'solid' && Number.parseFloat(style.outlineWidth) >= 2;
    });
    expect(ring).toBe(true);

    await expectAccessible(page, 'ops board');
    mkdirSync(ARTIFACTS, { recursive: true });
    const path = join(ARTIFACTS, 'ops-board.png');
    await page.screenshot({ path, fullPage: true });
    console.log(`[ops-board] screenshot ${path}`);
    expect(problems).toEqual([]);
  });
});
