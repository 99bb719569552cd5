import { randomUUID } from 'node:crypto';
import { startStack, TEST_ADMIN, type TestStack } from '@dbcarts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, apiCaller, newCustomer } from '../support/api';

// Hostile input on every after-sales route, with valid customer and admin tokens (so it gets past
// authentication), through the gateway and straight to the service as its sidecar would call it:
// every answer is a 4xx problem with a stable code, never a 5xx. Deterministic: every combination of
// a fixed set of parameters, queries and bodies.
let stack: TestStack;
let api: Api;
let admin: string;
let customer: string;
let customerId: string;

beforeAll(async () => {
  stack = await startStack({
    apps: ['users', 'orders', 'after-sales', 'gateway'],
    appEnv: { gateway: { RATE_LIMIT_PER_MINUTE: '10000000', REGISTRATIONS_PER_IP_PER_HOUR: '1000' } },
  });
  api = apiCaller(stack.appUrl('gateway'));
  admin = (await api('POST', '/api/auth/login', TEST_ADMIN)).body.accessToken;
  const c = await newCustomer(api, stack.uniqueId('fuzz'));
  customer = c.token;
  customerId = c.id;
}, 240_000);
afterAll(() => stack?.stop());

const ROUTES: [string, string][] = [
  ['POST', '/api/me/warranties'],
  ['GET', '/api/me/warranties'],
  ['POST', '/api/me/warranties/{id}/claims'],
  ['POST', '/api/admin/warranty-claims/{id}/decision'],
  ['POST', '/api/admin/warranty-claims/{id}/status'],
  ['PUT', '/api/admin/warranty-terms/{id}'],
  ['POST', '/api/support/cases'],
  ['GET', '/api/support/cases'],
  ['GET', '/api/support/cases/{id}'],
  ['POST', '/api/support/cases/{id}/messages'],
  ['POST', '/api/admin/support/cases/{id}/status'],
  ['GET', '/api/admin/support/sla'],
];
const PARAMS = [randomUUID(), 'not-a-uuid', '%zz', '..%2f..', 'A'.repeat(300), 'FSH-TEE-001', '%00'];
const QUERIES = ['', '?page=0', '?pageSize=101', '?status=lost', '?from=2026-13-40&to=2026-01-01', '?from=2026-01-01'];
const BODIES = [
  undefined,
  '{',
  'null',
  '[]',
  '{"__proto__":{"admin":true}}',
  JSON.stringify({ orderId: randomUUID(), sku: 'FSH-TEE-001' }),
  JSON.stringify({ orderId: 'x', sku: 5 }),
  JSON.stringify({ description: 'x'.repeat(5000) }),
  JSON.stringify({ description: 'Broken' }),
  JSON.stringify({ subject: 'S', message: 'M' }),
  JSON.stringify({ decision: 'approved', resolution: 'teleport', note: 'n' }),
  JSON.stringify({ decision: 'approved', note: 'n', extra: 1 }),
  JSON.stringify({ status: 'refunded', note: '' }),
  JSON.stringify({ months: -1 }),
  JSON.stringify({ subject: 'S', message: 'M', orderId: 'nope' }),
  JSON.stringify({ message: '' }),
  JSON.stringify({ status: 'open' }),
];

const seen = new Set<string>();

async function sweep(send: (method: string, path: string, body?: string) => Promise<Response>): Promise<string[]> {
  const bad: string[] = [];
  const jobs: (() => Promise<void>)[] = [];
  for (const [method, template] of ROUTES)
    for (const param of template.includes('{id}') ? PARAMS : [''])
      for (const query of method === 'GET' ? QUERIES : [''])
        for (const body of method === 'GET' ? [undefined] : BODIES)
          jobs.push(async () => {
            const path = template.replace('{id}', param) + query;
            const res = await send(method, path, body);
            const text = await res.text();
            const problem = res.status >= 400 ? (JSON.parse(text) as { code?: string }) : {};
            seen.add(problem.code ?? String(res.status));
            if (res.status >= 500 || (res.status >= 400 && !problem.code))
              bad.push(`${res.status} ${method} ${path} ${body}`);
          });
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < jobs.length) await (jobs[next++] as () => Promise<void>)();
    }),
  );
  expect(jobs.length).toBeGreaterThan(500);
  return bad;
}

describe('after-sales under hostile input', () => {
  it('answers every combination through the gateway with a problem, never a 5xx (customer and admin)', async () => {
    for (const token of [customer, admin]) {
      const bad = await sweep((method, path, body) =>
        fetch(`${stack.appUrl('gateway')}${path}`, {
          method,
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${token}`,
            'idempotency-key': randomUUID(),
          },
          body,
        }),
      );
      expect(bad.slice(0, 10)).toEqual([]);
    }
  });

  it('answers the same straight from the service, as its sidecar would call it', async () => {
    const direct = (p: string) =>
      p
        .replace('/api/me/', `/customers/${customerId}/`)
        .replace('/api/support/cases', `/customers/${customerId}/support/cases`)
        .replace('/api/', '/');
    const bad = await sweep((method, path, body) =>
      fetch(`${stack.appUrl('after-sales')}${direct(path)}`, {
        method,
        headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID(), ...stack.sidecarHeaders },
        body,
      }),
    );
    expect(bad.slice(0, 10)).toEqual([]);
    expect((await fetch(`${stack.appUrl('after-sales')}/readyz`)).status).toBe(200);
    // The sweep reached past validation too: successes, the services' own refusals, not only 400s.
    expect([...seen]).toEqual(
      expect.arrayContaining([
        '200',
        '201',
        'REQUEST.INVALID',
        'ORDER.NOT_FOUND',
        'WARRANTY.NOT_FOUND',
        'SUPPORT.CASE_NOT_FOUND',
      ]),
    );
  });
});
