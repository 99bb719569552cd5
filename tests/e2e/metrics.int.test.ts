import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPrometheusBinary, Prometheus, stackScrapeTargets } from '@dbcarts/devstack';
import { SERVICES, startStack, TEST_ADMIN, type TestStack } from '@dbcarts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, apiCaller, newCustomer, orderBody, startDrop, within } from '../support/api';
import { sampleValue as value, scrapeMetrics as scrape } from '../support/prometheus-text';

// Every service's GET /metrics (its METRICS_PORT) and every sidecar's metrics port, scraped after a
// real order and a real drop claim through the gateway: the series the on-call dashboard reads exist
// and moved. Then a Prometheus of the stack's own scrapes them all (up == 1 for every target).
const APPS = [...SERVICES];
let stack: TestStack;
let api: Api;
let admin: string;

beforeAll(async () => {
  stack = await startStack({
    apps: APPS,
    appEnv: {
      catalog: { SEED_CATALOG_PRODUCTS: '4' },
      gateway: { RATE_LIMIT_PER_MINUTE: '100000', REGISTRATIONS_PER_IP_PER_HOUR: '1000' },
    },
  });
  api = apiCaller(stack.appUrl('gateway'));
  admin = (await api('POST', '/api/auth/login', TEST_ADMIN)).body.accessToken;
}, 240_000);
afterAll(() => stack?.stop());

const appMetrics = (appId: string) => scrape(`http://127.0.0.1:${stack.stack.endpoints(appId).appMetricsPort}/metrics`);
const sidecarMetrics = (appId: string) => scrape(`http://127.0.0.1:${stack.stack.endpoints(appId).metricsPort}/`);

describe('metrics', () => {
  it('every service and sidecar exposes its metrics, and an order and a claim move the named series', async () => {
    const products = (await api('GET', '/api/products?pageSize=4&sort=name')).body.items as { sku: string }[];
    const [forOrder, forDrop] = products.map((p) => p.sku) as [string, string];
    expect((await api('PUT', `/api/inventory/${forOrder}`, { onHand: 10 }, admin)).status).toBe(200);
    expect((await api('PUT', `/api/inventory/${forDrop}`, { onHand: 10 }, admin)).status).toBe(200);
    await startDrop(api, admin, forDrop, 5, 1);
    const buyer = await newCustomer(api, `metrics-${randomUUID().slice(0, 8)}`);

    const placed = await api('POST', '/api/orders', orderBody([{ sku: forOrder, quantity: 1 }]), buyer.token, {
      'idempotency-key': randomUUID(),
    });
    expect(placed.status).toBe(201);
    const claim = await api('POST', `/api/flash-sales/${forDrop}/claims`, { quantity: 1 }, buyer.token, {
      'idempotency-key': randomUUID(),
    });
    expect(claim.status).toBe(201);
    // The public port has no /metrics: it is served only on the metrics listener.
    expect((await api('GET', '/metrics')).status).toBe(404);

    for (const appId of APPS) {
      const m = await appMetrics(appId);
      expect(value(m, 'process_cpu_user_seconds_total', { service: appId }), appId).toBeGreaterThan(0);
      expect(value(m, 'dbcarts_http_server_requests_total', { service: appId }), appId).toBeGreaterThan(0);
      // Never a raw path: every route label is a template or "unmatched".
      for (const s of m.filter((x) => x.name === 'dbcarts_http_server_requests_total'))
        expect(s.labels.route, appId).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}|FSH-|SKU-/i);
    }

    const gateway = await appMetrics('gateway');
    const post = { method: 'POST', route: '/api/orders', status_class: '2xx' };
    expect(value(gateway, 'dbcarts_http_server_requests_total', post)).toBeGreaterThanOrEqual(1);
    expect(value(gateway, 'dbcarts_http_server_request_duration_seconds_count', post)).toBeGreaterThanOrEqual(1);
    expect(
      value(gateway, 'dbcarts_http_server_requests_total', {
        method: 'POST',
        route: '/api/flash-sales/:sku/claims',
        status_class: '2xx',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(value(gateway, 'dbcarts_gateway_flash_claims_total', { outcome: 'claimed' })).toBeGreaterThanOrEqual(1);
    expect(value(gateway, 'dbcarts_gateway_rate_limit_decisions_total', { decision: 'allowed' })).toBeGreaterThan(0);
    // The GET /metrics above among them (404, no route).
    expect(
      value(gateway, 'dbcarts_http_server_requests_total', { method: 'GET', route: 'unmatched', status_class: '4xx' }),
    ).toBeGreaterThanOrEqual(1);

    const orders = await appMetrics('orders');
    expect(value(orders, 'dbcarts_checkout_saga_outcomes_total', { outcome: 'confirmed' })).toBeGreaterThanOrEqual(1);
    expect(value(orders, 'dbcarts_checkout_saga_duration_seconds_count', { outcome: 'confirmed' })).toBeGreaterThan(0);

    const inventory = await appMetrics('inventory');
    // The order's reservation and the claim: two actor turns at least.
    expect(value(inventory, 'dbcarts_inventory_actor_batch_size_count')).toBeGreaterThanOrEqual(2);
    expect(
      value(inventory, 'dbcarts_inventory_actor_turn_seconds_count', { method: 'reserveBatch' }),
    ).toBeGreaterThanOrEqual(2);

    const payments = await appMetrics('payments');
    expect(value(payments, 'dbcarts_payment_provider_breaker_state', { provider: 'test' })).toBe(0);

    // The relay publishes orders.placed/confirmed after the commit, and measures after each poll;
    // notifications consumes orders.confirmed (a SUCCESS delivery with its lag).
    await within(15_000, async () => {
      const o = await appMetrics('orders');
      const n = await appMetrics('notifications');
      return (
        (value(o, 'dbcarts_outbox_published_total', { table: 'outbox' }) ?? 0) >= 2 &&
        value(o, 'dbcarts_outbox_backlog', { table: 'outbox' }) === 0 &&
        value(o, 'dbcarts_outbox_oldest_age_seconds', { table: 'outbox' }) === 0 &&
        (value(n, 'dbcarts_pubsub_deliveries_total', { status: 'SUCCESS' }) ?? 0) >= 1 &&
        (value(n, 'dbcarts_pubsub_delivery_lag_seconds_count') ?? 0) >= 1
      );
    });

    // The sidecars' own: the gateway's sidecar served its app's invocations.
    for (const appId of APPS) {
      const d = await sidecarMetrics(appId);
      expect(value(d, 'dapr_runtime_component_loaded'), appId).toBeDefined();
    }
    const gatewaySidecar = await sidecarMetrics('gateway');
    expect(value(gatewaySidecar, 'dapr_http_server_request_count')).toBeGreaterThan(0);

    // Every series the on-call dashboard queries exists by now (a renamed metric would leave a panel empty).
    const names = new Set<string>();
    for (const appId of APPS)
      for (const m of [await appMetrics(appId), await sidecarMetrics(appId)]) for (const x of m) names.add(x.name);
    const dashboard = readFileSync(join(__dirname, '../../deploy/grafana/dbcarts-dashboard.json'), 'utf8');
    const queried = new Set(
      [...dashboard.matchAll(/\b((?:dbcarts|dapr|process|nodejs)_[a-z0-9_]+)/g)].map((m) => m[1]),
    );
    expect(queried.size).toBeGreaterThan(15);
    expect([...queried].filter((n) => !names.has(n as string))).toEqual([]);
  });

  it('a Prometheus of the stack scrapes every app, sidecar and control-plane process (up == 1) and reads the saga counter', async () => {
    // ensure-infra.sh installs it (CI included): a missing binary is a failure, not a skip.
    expect(findPrometheusBinary(), 'prometheus on PATH (bash scripts/ensure-infra.sh)').toBeDefined();
    const targets = stackScrapeTargets(stack.stack);
    // Every app and its sidecar, placement and the scheduler (inventory's reminders need it).
    expect(targets).toHaveLength(APPS.length * 2 + 2);
    const prometheus = await Prometheus.start({
      logFile: join(stack.stack.logDir, 'prometheus.log'),
      dataDir: mkdtempSync(join(tmpdir(), 'dbcarts-prometheus-')),
      targets,
      scrapeIntervalSeconds: 1,
    });
    try {
      await within(30_000, async () => {
        const up = await (prometheus as Prometheus).query('up');
        return up.length === targets.length && up.every((s) => s.value[1] === '1');
      });
      const up = await (prometheus as Prometheus).query('up');
      expect(new Set(up.map((s) => `${s.metric.job}/${s.metric.app}`))).toEqual(
        new Set(targets.map((t) => `${t.job}/${t.app}`)),
      );
      const confirmed = await (prometheus as Prometheus).query(
        'sum(dbcarts_checkout_saga_outcomes_total{outcome="confirmed"})',
      );
      expect(Number(confirmed[0]?.value[1])).toBeGreaterThanOrEqual(1);
    } finally {
      await prometheus?.stop();
    }
  });
});
