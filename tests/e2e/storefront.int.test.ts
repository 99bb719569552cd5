import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICES, startStack, TEST_ADMIN, type TestStack } from '@dbcarts/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, apiCaller, newCustomer, orderBody, startDrop, within } from '../support/api';
import {
  ARTIFACTS,
  expectAccessible,
  launch,
  type PageTimings,
  STOREFRONT_DIST,
  shot,
  timings,
  watch,
} from './storefront.support';

// The storefront in a real headless Chromium against the real stack: the gateway serves the built
// web/storefront/dist at / and the API behind it. A customer registers, signs in through the
// OIDC authorization-code + PKCE flow, buys, is declined, claims in a drop, and returns an item;
// every page checked with axe-core and for anything loaded from another origin.

const PASSWORD = 'correct horse 1';
const usd = (minor: number) =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(minor / 100);

let stack: TestStack;
let gw: string;
let api: Api;
let admin: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let problems: string[];
let customer: { email: string; token?: string };
let buy: { id: string; sku: string; name: string; price: { amount: number } };
let dropProduct: { id: string; sku: string; name: string };
let firstOrderId: string;
const perf: Record<string, PageTimings> = {};

beforeAll(async () => {
  if (!existsSync(join(STOREFRONT_DIST, 'index.html'))) {
    throw new Error(`no built storefront in ${STOREFRONT_DIST}: run npm run build first`);
  }
  [stack, browser] = await Promise.all([
    startStack({
      apps: [...SERVICES],
      appEnv: {
        catalog: { SEED_CATALOG_PRODUCTS: '10' },
        // One checkout at a time, a queued one answered 202 after 200 ms: the last test saturates it.
        payments: { PAYMENT_PROVIDER_TIMEOUT_MS: '3000' },
        gateway: {
          CHECKOUT_CONCURRENCY: '1',
          CHECKOUT_SYNC_WAIT_MS: '200',
          STOREFRONT_DIR: STOREFRONT_DIST,
          RATE_LIMIT_PER_MINUTE: '1000000',
          REGISTRATIONS_PER_IP_PER_HOUR: '1000',
        },
      },
    }),
    launch(),
  ]);
  gw = stack.appUrl('gateway');
  api = apiCaller(gw);
  admin = (await api('POST', '/api/auth/login', TEST_ADMIN)).body.accessToken;
  const products = (await api('GET', '/api/products?pageSize=10&sort=name')).body.items;
  [buy, dropProduct] = products;
  for (const p of [buy, dropProduct]) {
    expect((await api('PUT', `/api/inventory/${p.sku}`, { onHand: 50 }, admin)).status).toBe(200);
  }
  context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  problems = watch(page, gw);
  customer = { email: `${stack.uniqueId('shopper').toLowerCase()}@example.test` };
}, 240_000);

afterAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  if (Object.keys(perf).length) writeFileSync(join(ARTIFACTS, 'timings.json'), `${JSON.stringify(perf, null, 2)}\n`);
  await browser?.close();
  await stack?.stop();
});

async function fillAddress(p: Page): Promise<void> {
  await p.getByLabel('Full name').fill('Casey Buyer');
  await p.getByLabel('Address', { exact: true }).fill('1 Main St');
  await p.getByLabel('City').fill('Berlin');
  await p.getByLabel('Postal code').fill('10115');
  await p.getByLabel('Country').selectOption('DE');
}

/** The focused element: its text, and whether it shows the 3 px focus ring. */
const focused = (p: Page) =>
  p.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    const style = el ? getComputedStyle(el) : undefined;
    return {
      tag: el?.tagName.toLowerCase(),
      id: el?.id,
      text: el?.textContent?.trim(),
      ring: style?.outlineStyle === 'solid' && Number.parseFloat(style.outlineWidth) >= 2,
    };
  });

/** Adds to the cart by keyboard: type the quantity, Tab to the button (focus ring visible), Enter. */
async function addToCart(p: Page, productId: string, quantity: number): Promise<void> {
  await p.goto(`${gw}/p/${productId}`);
  await expect.poll(() => p.getByTestId('availability').textContent()).toMatch(/\d+ available/);
  await p.getByLabel('Quantity').fill(String(quantity));
  await p.keyboard.press('Tab');
  expect(await focused(p)).toMatchObject({ tag: 'button', text: 'Add to cart', ring: true });
  await p.keyboard.press('Enter');
  await p.getByRole('status').filter({ hasText: 'to your cart' }).waitFor();
}

const customerOrders = async () => {
  customer.token ??= (
    await api('POST', '/api/auth/login', { email: customer.email, password: PASSWORD })
  ).body.accessToken;
  const body = (await api('GET', '/api/orders?pageSize=50', undefined, customer.token)).body;
  return (Array.isArray(body) ? body : body.items) as { id: string; status: string; total: { amount: number } }[];
};

describe('the storefront in a real browser', () => {
  it('a full purchase: register, sign in (PKCE), search, add to cart, pay with tok_visa, see it in history', async () => {
    // First load, cold cache: the home page with new arrivals and the five departments.
    await page.goto(`${gw}/`);
    await page.getByRole('heading', { name: 'New arrivals' }).waitFor();
    await page.locator('.grid .card').first().waitFor();
    for (const d of ['Fashion', 'Electronics', 'Home goods', 'Toys', 'Sporting goods']) {
      await expect.poll(() => page.getByRole('link', { name: d, exact: true }).count()).toBeGreaterThan(0);
    }
    perf.home = await timings(page);
    await expectAccessible(page, 'home');
    // Keyboard: the first Tab reaches the skip link (visible, with the focus ring); Enter skips to main.
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ tag: 'a', text: 'Skip to content', ring: true });
    await page.keyboard.press('Enter');
    expect(await focused(page)).toMatchObject({ tag: 'main', id: 'main' });
    await shot(page, '01-home');

    // Register, then sign in through the provider's page (authorization code + PKCE).
    await page.getByRole('link', { name: 'Register' }).click();
    await page.getByLabel('Name').fill('Casey Buyer');
    await page.getByLabel('Email').fill(customer.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await expectAccessible(page, 'register');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('button', { name: 'Sign in now' }).click();
    await page.waitForURL(/\/oidc\/interaction\//);
    await page.getByLabel('Email').fill(customer.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${gw}/`);
    await page.getByRole('button', { name: `Sign out (${customer.email})` }).waitFor();

    // Search from the header, open the product.
    await page.getByLabel('Search products').fill(buy.name);
    await page.getByLabel('Search products').press('Enter');
    await page.waitForURL(/\/search\?q=/);
    await page.getByRole('link', { name: buy.name, exact: true }).first().click();
    await page.waitForURL(`${gw}/p/${buy.id}`);
    await expect.poll(() => page.getByTestId('availability').textContent()).toContain('50 available');
    await page.getByRole('heading', { name: 'Warranty' }).waitFor();
    await expectAccessible(page, 'product');
    // A product page loaded as a navigation (assets cached, index.html revalidated).
    await page.goto(`${gw}/p/${buy.id}`);
    await page.getByTestId('availability').filter({ hasText: 'available' }).waitFor();
    perf.product = await timings(page);
    await shot(page, '02-product');

    await addToCart(page, buy.id, 2);
    await page.getByRole('link', { name: 'Cart', exact: true }).click();
    await page.getByRole('rowheader', { name: buy.name }).waitFor();
    await expect.poll(() => page.locator('.total').textContent()).toContain(usd(buy.price.amount * 2));
    await expectAccessible(page, 'cart');
    await page.getByRole('link', { name: 'Go to checkout' }).click();
    await fillAddress(page);
    await expectAccessible(page, 'checkout');
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.waitForURL(/\/orders\/[0-9a-f-]{36}\?placed=1$/);
    firstOrderId = new URL(page.url()).pathname.split('/').pop() as string;
    await expect.poll(() => page.getByTestId('order-status').textContent()).toBe('Confirmed');
    await shot(page, '03-order-placed');
    const placed = (await customerOrders()).find((o) => o.id === firstOrderId);
    expect(placed?.total.amount ?? buy.price.amount * 2).toBe(buy.price.amount * 2);

    // The order history (a read model fed by the order's events) lists it.
    await page.getByRole('link', { name: 'Orders', exact: true }).click();
    await within(15_000, async () => {
      if ((await page.getByRole('link', { name: `Order ${firstOrderId.slice(0, 8)}` }).count()) > 0) return true;
      await page.reload();
      await page.getByRole('heading', { name: 'Your orders' }).waitFor();
      return false;
    });
    await expectAccessible(page, 'orders');
    await shot(page, '04-history');
    expect(problems).toEqual([]);
  }, 90_000);

  it('a declined card (tok_chargeDeclined): the message is shown, no order is placed, no stock held', async () => {
    const before = (await api('GET', `/api/inventory/${buy.sku}`)).body;
    await addToCart(page, buy.id, 1);
    await page.goto(`${gw}/checkout`);
    await fillAddress(page);
    await page.getByLabel('Test card that is declined').check();
    await page.getByRole('button', { name: 'Place order' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/declined/i);
    expect(new URL(page.url()).pathname).toBe('/checkout');
    await shot(page, '05-declined');
    // Nothing but the first order counts as placed, and the declined attempt holds no units.
    const orders = await customerOrders();
    expect(orders.filter((o) => o.status !== 'failed').map((o) => o.id)).toEqual([firstOrderId]);
    expect((await api('GET', `/api/inventory/${buy.sku}`)).body.reserved).toBe(before.reserved);
    expect(problems).toEqual([]);
  }, 60_000);

  it('a drop: the admin starts a flash sale, the customer claims in one click and checks out at the drop price', async () => {
    await startDrop(api, admin, dropProduct.sku, 5, 1);
    await page.goto(`${gw}/drops`);
    const card = page.locator('.drop').filter({ hasText: usd(990) });
    await card.getByText(/Ends in \d\d:\d\d/).waitFor();
    // The countdown is live: it moves without a reload.
    const first = await card.locator('.countdown').textContent();
    await expect.poll(() => card.locator('.countdown').textContent(), { timeout: 3000 }).not.toBe(first);
    await expectAccessible(page, 'drops');
    await card.getByRole('button', { name: /^Claim 1 of/ }).click();
    await card.getByRole('status').filter({ hasText: 'Claimed!' }).waitFor();
    expect((await api('GET', `/api/inventory/${dropProduct.sku}`)).body.reserved).toBe(1);
    await shot(page, '06-drop-claimed');
    await card.getByRole('button', { name: 'Check out now' }).click();
    await page.waitForURL(/\/checkout\?claim=/);
    await fillAddress(page);
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.waitForURL(/\/orders\/[0-9a-f-]{36}\?placed=1$/);
    await expect.poll(() => page.getByTestId('order-status').textContent()).toBe('Confirmed');
    expect(await page.locator('.total').textContent()).toContain(usd(990));
    const id = new URL(page.url()).pathname.split('/').pop() as string;
    const order = (await api('GET', `/api/orders/${id}`, undefined, customer.token)).body;
    expect(order).toMatchObject({ status: 'confirmed', total: { amount: 990, currency: 'USD' } });
    expect(order.items).toMatchObject([{ sku: dropProduct.sku, quantity: 1 }]);
    await shot(page, '07-drop-order');
    // Before shipment the customer can cancel it: the claimed unit goes back, nothing stays held.
    await page.getByRole('button', { name: 'Cancel order' }).click();
    await expect.poll(() => page.getByTestId('order-status').textContent()).toBe('Cancelled');
    expect((await api('GET', `/api/orders/${id}`, undefined, customer.token)).body.status).toBe('cancelled');
    expect((await api('GET', `/api/inventory/${dropProduct.sku}`)).body.reserved).toBe(0);
    expect(problems).toEqual([]);
  }, 60_000);

  it('a return: shipped and delivered through the admin API, started in the UI, the refund shown', async () => {
    expect((await api('POST', `/api/admin/orders/${firstOrderId}/ship`, undefined, admin)).status).toBe(200);
    expect((await api('POST', `/api/admin/orders/${firstOrderId}/deliver`, undefined, admin)).status).toBe(200);
    await page.goto(`${gw}/orders/${firstOrderId}`);
    await expect.poll(() => page.getByTestId('order-status').textContent()).toBe('Delivered');
    // The window shown is the returns policy's: 30 days from the delivery the order reports.
    const delivered = (await api('GET', `/api/orders/${firstOrderId}`, undefined, customer.token)).body;
    const until = new Date(Date.parse(delivered.deliveredAt) + 30 * 86_400_000).toLocaleDateString('en-US');
    await page.getByText(`Returnable until ${until}`).waitFor();
    await page.getByLabel(`Quantity of ${buy.name} to return`).fill('1');
    await page.getByLabel('Reason').selectOption('does_not_fit');
    await expectAccessible(page, 'order with return form');
    await page.getByRole('button', { name: 'Start return' }).click();
    await page.getByTestId('refund').or(page.getByRole('alert')).first().waitFor();
    expect(await page.getByRole('alert').allTextContents()).toEqual([]);
    expect(await page.getByTestId('refund').textContent()).toBe(`Refund: ${usd(buy.price.amount)}`);
    await expect.poll(() => page.getByTestId('order-status').textContent()).toMatch(/Delivered|Returned/);
    await shot(page, '08-return');
    // The invoice (made asynchronously from the order's events): shown in the page once it exists.
    await within(15_000, async () => {
      await page.getByRole('button', { name: 'Show invoice' }).click();
      await page
        .getByRole('heading', { name: /^Invoice / })
        .or(page.getByText('The invoice is being prepared'))
        .first()
        .waitFor();
      return (await page.getByRole('heading', { name: /^Invoice \d{4}-\d{6}$/ }).count()) > 0;
    });
    const invoice = page.locator('.invoice');
    expect(await invoice.locator('tbody tr').count()).toBe(1);
    expect(await invoice.locator('.total').textContent()).toContain(`Total ${usd(buy.price.amount * 2)}`);
    await expectAccessible(page, 'order with invoice');
    await shot(page, '08b-invoice');
    const order = (await api('GET', `/api/orders/${firstOrderId}`, undefined, customer.token)).body;
    expect(order.items[0].returned).toBe(1);
    expect(problems).toEqual([]);
    console.log(`[storefront] timings ${JSON.stringify(perf)}`);
  }, 60_000);

  it('after-sales: registers the delivered line warranty, files a claim, opens a support case; notifications listed', async () => {
    await page.goto(`${gw}/orders/${firstOrderId}`);
    await page.getByRole('button', { name: `Register warranty for ${buy.name}` }).click();
    await page.getByRole('status').filter({ hasText: 'covered until' }).waitFor();
    await page.getByRole('link', { name: 'Warranties', exact: true }).click();
    await page.getByRole('heading', { name: buy.name }).waitFor();
    await expectAccessible(page, 'warranties');
    await page.getByLabel('What is wrong with it?').fill('The pieces do not fit together.');
    await page.getByRole('button', { name: 'File a warranty claim' }).click();
    await page.getByText(/Submitted — The pieces do not fit together\./).waitFor();
    const warranties = (await api('GET', '/api/me/warranties', undefined, customer.token)).body;
    const registrations = Array.isArray(warranties) ? warranties : warranties.items;
    expect(registrations).toMatchObject([{ orderId: firstOrderId, sku: buy.sku, claims: [{ status: 'submitted' }] }]);
    await shot(page, '09-warranty-claim');

    await page.goto(`${gw}/support?order=${firstOrderId}`);
    await page.getByLabel('Subject').fill('Where is my refund?');
    await page.getByLabel('Message').fill('I returned one item; when does the money arrive?');
    await page.getByRole('button', { name: 'Open a case' }).click();
    await page.waitForURL(/\/support\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: 'Where is my refund?' }).waitFor();
    await page.getByText('I returned one item; when does the money arrive?').waitFor();
    await expectAccessible(page, 'support case');
    await shot(page, '10-support-case');

    // The order's messages (confirmation, shipping, refund) as the notifications service sent them.
    await page.getByRole('link', { name: 'Notifications', exact: true }).click();
    await within(15_000, async () => {
      if ((await page.locator('.notes li').count()) >= 2) return true;
      await page.reload();
      await page.getByRole('heading', { name: 'Notifications' }).waitFor();
      return false;
    });
    await expectAccessible(page, 'notifications');
    await shot(page, '11-notifications');
    expect(problems).toEqual([]);
  }, 60_000);

  it('a saturated checkout: 202 from the queue, the page shows the place in line and lands on the order', async () => {
    // Another customer's checkout holds the only slot for 3 s (its provider never answers).
    const other = await newCustomer(api, stack.uniqueId('blocker'));
    const blocker = api(
      'POST',
      '/api/orders',
      orderBody([{ sku: buy.sku, quantity: 1 }], { token: 'tok_timeout' }),
      other.token,
      { 'idempotency-key': `blocker-${Date.now()}` },
    );
    await addToCart(page, buy.id, 1);
    // The cart still holds the declined attempt's unit: the order is for what the cart holds.
    const cart = (await api('GET', '/api/cart', undefined, customer.token)).body;
    const inCart = cart.items.find((i: { sku: string }) => i.sku === buy.sku)?.quantity;
    expect(inCart).toBeGreaterThanOrEqual(1);
    await page.goto(`${gw}/checkout`);
    await fillAddress(page);
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.getByRole('status').filter({ hasText: 'in the checkout queue' }).waitFor();
    await shot(page, '12-checkout-queue');
    expect((await blocker).status).toBe(503);
    await page.waitForURL(/\/orders\/[0-9a-f-]{36}\?placed=1$/, { timeout: 20_000 });
    await expect.poll(() => page.getByTestId('order-status').textContent()).toBe('Confirmed');
    const id = new URL(page.url()).pathname.split('/').pop() as string;
    expect((await api('GET', `/api/orders/${id}`, undefined, customer.token)).body).toMatchObject({
      status: 'confirmed',
      items: [{ sku: buy.sku, quantity: inCart }],
    });
    // What was ordered left the cart.
    expect((await api('GET', '/api/cart', undefined, customer.token)).body.items).toEqual([]);
    expect(problems).toEqual([]);
  }, 60_000);
});
