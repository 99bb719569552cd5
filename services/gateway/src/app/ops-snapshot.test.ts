import { describe, expect, it } from 'vitest';
import { OpsAggregator, type Sample, type TickInputs } from './ops-snapshot';

const claims = (outcome: string, value: number): Sample => ({
  name: 'dbcarts_gateway_flash_claims_total',
  labels: { outcome },
  value,
});
const red = (status_class: string, value: number, route = '/api/orders'): Sample => ({
  name: 'dbcarts_http_server_requests_total',
  labels: { method: 'POST', route, status_class },
  value,
});
const inputs = (now: number, over: Partial<TickInputs> = {}): TickInputs => ({
  now,
  sources: [],
  claimsBySku: new Map(),
  slowCheckouts: [],
  ...over,
});

describe('OpsAggregator', () => {
  it('turns cumulative counters into rates over its window, and a counter that went down counts from zero', () => {
    const agg = new OpsAggregator(2_000);
    const at = (t: number, claimed: number, bySku: number) =>
      agg.tick(
        inputs(t, {
          sources: [{ service: 'gateway', samples: [claims('claimed', claimed)] }],
          claimsBySku: new Map([['SKU-1', bySku]]),
          drops: [{ sku: 'SKU-1', quantity: 50, remaining: 50 - bySku, endsAt: '2030-01-01T00:00:00Z' }],
        }),
      );
    expect(at(0, 10, 10).claims.perSecond).toBe(0); // no baseline yet
    at(1_000, 20, 20);
    const s = at(2_000, 40, 30); // window 2 s: (40-10)/2 = 15 a second; SKU (30-10)/2 = 10
    expect(s.windowSeconds).toBe(2);
    expect(s.claims.perSecond).toBe(15);
    expect(s.claims.total).toBe(40);
    expect(s.drops).toEqual([
      { sku: 'SKU-1', quantity: 50, remaining: 20, endsAt: '2030-01-01T00:00:00Z', claimsPerSecond: 10 },
    ]);
    // The gateway restarted: 5 since then, over the window from 20 → counted as 5, not -15.
    const after = at(3_000, 5, 30);
    expect(after.claims.perSecond).toBe(2.5);
  });

  it('groups refusals by reason: inventory codes, the kill switch, the drop throttle, and anything else as other', () => {
    const agg = new OpsAggregator(1_000);
    const samples = (n: number) => [
      claims('claimed', 3 * n),
      claims('replayed', 7 * n),
      claims('FLASH_SALE.SOLD_OUT', 4 * n),
      claims('FLASH_SALE.LIMIT_EXCEEDED', 2 * n),
      claims('FLASH_SALE.NOT_ACTIVE', 1 * n),
      claims('paused', 5 * n),
      claims('throttled', 6 * n),
      claims('INVENTORY.BUSY', 1 * n),
      claims('OTHER', 2 * n),
    ];
    agg.tick(inputs(0, { sources: [{ service: 'gateway', samples: samples(1) }] }));
    const s = agg.tick(inputs(1_000, { sources: [{ service: 'gateway', samples: samples(2) }] }));
    const byReason = Object.fromEntries(s.claims.refusals.map((r) => [r.reason, [r.code, r.total, r.perSecond]]));
    expect(byReason).toEqual({
      'sold out': ['FLASH_SALE.SOLD_OUT', 8, 4],
      'limit exceeded': ['FLASH_SALE.LIMIT_EXCEEDED', 4, 2],
      'not active': ['FLASH_SALE.NOT_ACTIVE', 2, 1],
      'paused (kill switch)': ['paused', 10, 5],
      'rate limited': ['throttled', 12, 6],
      other: ['other', 6, 3],
    });
    // replays are neither claims nor refusals
    expect(s.claims.total).toBe(6);
  });

  it('computes the 5xx share per service and overall over the window, null when nothing was served', () => {
    const agg = new OpsAggregator(1_000);
    const tick = (t: number, gw: [number, number, number], orders: [number, number]) =>
      agg.tick(
        inputs(t, {
          sources: [
            { service: 'gateway', samples: [red('2xx', gw[0]), red('4xx', gw[1]), red('5xx', gw[2], '/api/products')] },
            { service: 'orders', samples: [red('2xx', orders[0]), red('5xx', orders[1])] },
            { service: 'payments', error: 'unreachable' },
          ],
        }),
      );
    tick(0, [100, 10, 0], [50, 0]);
    const s = tick(1_000, [170, 20, 20], [50, 0]);
    // gateway: 70 + 10 + 20 = 100 requests, 20 of them 5xx; orders: none in the window
    expect(s.errors.services).toEqual([
      { service: 'gateway', requestsPerSecond: 100, errorRate: 0.2 },
      { service: 'orders', requestsPerSecond: 0, errorRate: null },
    ]);
    expect(s.errors.overall).toEqual({ requestsPerSecond: 100, errorRate: 0.2 });
    expect(s.sources).toEqual([
      { service: 'gateway', ok: true },
      { service: 'orders', ok: true },
      { service: 'payments', ok: false, error: 'unreachable' },
    ]);
  });

  it('reads breakers, outbox backlog, consumer lag and the checkout queue', () => {
    const agg = new OpsAggregator(1_000);
    const lag = (sum: number, count: number, retries: number): Sample[] => [
      { name: 'dbcarts_pubsub_delivery_lag_seconds_sum', labels: { topic: 'orders.placed' }, value: sum },
      { name: 'dbcarts_pubsub_delivery_lag_seconds_count', labels: { topic: 'orders.placed' }, value: count },
      { name: 'dbcarts_pubsub_deliveries_total', labels: { topic: 'orders.placed', status: 'SUCCESS' }, value: count },
      { name: 'dbcarts_pubsub_deliveries_total', labels: { topic: 'orders.placed', status: 'RETRY' }, value: retries },
    ];
    const payments: Sample[] = [
      { name: 'dbcarts_payment_provider_breaker_state', labels: { provider: 'stripe' }, value: 2 },
      { name: 'dbcarts_payment_provider_breaker_state', labels: { provider: 'adyen' }, value: 0 },
      { name: 'dbcarts_payment_provider_breaker_state', labels: { provider: 'paypal' }, value: 1 },
    ];
    const outbox: Sample[] = [
      { name: 'dbcarts_outbox_backlog', labels: { table: 'outbox' }, value: 12 },
      { name: 'dbcarts_outbox_oldest_age_seconds', labels: { table: 'outbox' }, value: 3.5 },
    ];
    agg.tick(inputs(0, { sources: [{ service: 'notifications', samples: lag(10, 20, 1) }] }));
    const s = agg.tick(
      inputs(1_000, {
        sources: [
          { service: 'notifications', samples: lag(16, 30, 3) },
          { service: 'payments', samples: payments },
          { service: 'orders', samples: outbox },
        ],
        queue: { waiting: 30, running: 32, ratePerSecond: 10 },
      }),
    );
    expect(s.breakers).toEqual([
      { provider: 'adyen', state: 'closed' },
      { provider: 'paypal', state: 'half-open' },
      { provider: 'stripe', state: 'open' },
    ]);
    expect(s.outbox).toEqual([{ service: 'orders', table: 'outbox', backlog: 12, oldestAgeSeconds: 3.5 }]);
    // 10 deliveries (+2 retries) in the window, 6 s of lag among them
    expect(s.consumers).toEqual([
      { service: 'notifications', topic: 'orders.placed', retries: 3, dropped: 0, perSecond: 12, meanLagSeconds: 0.6 },
    ]);
    expect(s.checkoutQueue).toEqual({ waiting: 30, running: 32, ratePerSecond: 10, estimatedWaitSeconds: 3 });
    expect(s.drops).toBeNull(); // inventory not read this tick
  });
});
