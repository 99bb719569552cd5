import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCustomer, within } from '../support/api';
import {
  type AfterSalesFixture,
  claimed,
  deliveredOrder,
  startAfterSales,
  stopAfterSales,
} from './after-sales.support';

// What a decided warranty claim does beyond its record, on real sidecars: `refunded` gives the
// unit's money back through payments (orders consumes warranty.claim-decided; payments is reached by
// orders only), `replaced` places a zero-price order for a new unit. Each once per claim, also when
// the claim's event is delivered again under a new CloudEvent id.
let f: AfterSalesFixture;

beforeAll(async () => {
  f = await startAfterSales();
}, 240_000);
afterAll(() => stopAfterSales(f));

/** Approves the claim for `resolution`, then records `outcome` (each move an event). */
async function resolve(claimId: string, resolution: string, outcome: string) {
  const path = `/api/admin/warranty-claims/${claimId}`;
  const approved = await f.api('POST', `${path}/decision`, { decision: 'approved', resolution, note: 'OK' }, f.admin);
  expect(approved.status).toBe(200);
  expect((await f.api('POST', `${path}/status`, { status: outcome, note: 'Done' }, f.admin)).status).toBe(200);
}

/** The same decision published again, as a redelivery under a new CloudEvent id would bring it. */
async function publishAgain(e: { claimId: string; orderId: string; customerId: string; sku: string; status: string }) {
  await f.stack.sidecar('after-sales').publish('pubsub', 'warranty.claim-decided', {
    ...e,
    registrationId: 'r',
    customerEmail: 'again@example.test',
    productName: 'x',
    resolution: null,
    note: 'again',
    occurredAt: new Date().toISOString(),
  });
  await new Promise((r) => setTimeout(r, 1_500));
}

describe('warranty resolutions', () => {
  it('a claim ended refunded gives the unit back through payments once, also when its event comes again', async () => {
    const c = await newCustomer(f.api, f.stack.uniqueId('refund'));
    const sku = f.electronics[1] as string;
    const orderId = await deliveredOrder(f, c.token, sku);
    const paid = (await f.api('GET', `/api/orders/${orderId}`, undefined, c.token)).body.total.amount as number;
    const { claimId } = await claimed(f, c, orderId, sku);
    await resolve(claimId, 'refund', 'refunded');

    const ledger = async () =>
      (
        await f.stack
          .sidecar('orders')
          .invokeServiceAnswer<{ refunded: number; balanced: boolean }>('payments', 'GET', `ledger/${orderId}`)
      ).body;
    await within(10_000, async () => (await ledger()).refunded === paid);
    await publishAgain({ claimId, orderId, customerId: c.id, sku, status: 'refunded' });
    expect(await ledger()).toMatchObject({ refunded: paid, balanced: true });
  });

  it('a claim ended replaced places one zero-price order for a new unit, which ships without a payment', async () => {
    const c = await newCustomer(f.api, f.stack.uniqueId('replace'));
    const sku = f.electronics[2] as string;
    const orderId = await deliveredOrder(f, c.token, sku);
    const onHand = (await f.api('GET', `/api/inventory/${sku}`)).body.onHand as number;
    const { claimId } = await claimed(f, c, orderId, sku);
    await resolve(claimId, 'replace', 'replaced');

    const mine = async () =>
      ((await f.api('GET', '/api/orders?pageSize=50', undefined, c.token)).body.items ?? []) as {
        id: string;
        status: string;
        total: { amount: number };
      }[];
    await within(10_000, async () => (await mine()).length === 2);
    const replacement = (await mine()).find((o) => o.id !== orderId);
    expect(replacement).toMatchObject({ status: 'confirmed', total: { amount: 0 } });
    const view = (await f.api('GET', `/api/orders/${replacement?.id}`, undefined, c.token)).body;
    expect(view.items).toEqual([
      expect.objectContaining({ sku, quantity: 1, unitPrice: expect.objectContaining({ amount: 0 }) }),
    ]);
    expect(view.shippingAddress).toEqual(
      (await f.api('GET', `/api/orders/${orderId}`, undefined, c.token)).body.shippingAddress,
    );
    expect((await f.api('GET', `/api/inventory/${sku}`)).body).toMatchObject({ onHand: onHand - 1, reserved: 0 });

    await publishAgain({ claimId, orderId, customerId: c.id, sku, status: 'replaced' });
    expect(await mine()).toHaveLength(2);
    expect((await f.api('GET', `/api/inventory/${sku}`)).body.onHand).toBe(onHand - 1);
    // No payment to capture: it ships and is delivered like any order.
    expect((await f.api('POST', `/api/admin/orders/${replacement?.id}/ship`, undefined, f.admin)).status).toBe(200);
    const delivered = await f.api('POST', `/api/admin/orders/${replacement?.id}/deliver`, undefined, f.admin);
    expect(delivered.body.status).toBe('delivered');
  });
});
