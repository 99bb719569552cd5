import { startStack, type TestStack } from '@dbcarts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderEvent, publish, within } from './order-events';

// The public route through the real gateway: token verified against the users service's keys,
// the caller's own notifications only, bad queries refused at the edge.
let stack: TestStack;
let gw: string;

beforeAll(async () => {
  stack = await startStack({ apps: ['users', 'gateway', 'notifications'] });
  gw = stack.appUrl('gateway');
});
afterAll(() => stack?.stop());

async function call(path: string, token?: string, init: RequestInit = {}) {
  const res = await fetch(`${gw}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: text ? JSON.parse(text) : undefined };
}

async function customer() {
  const email = `${stack.uniqueId('me').toLowerCase()}@example.test`;
  const password = 'correct horse 1';
  const reg = await call('/api/auth/register', undefined, {
    method: 'POST',
    body: JSON.stringify({ email, password, name: 'Ada' }),
  });
  expect(reg.status).toBe(201);
  const login = await call('/api/auth/login', undefined, { method: 'POST', body: JSON.stringify({ email, password }) });
  expect(login.status).toBe(200);
  return { id: reg.body.id as string, email, token: login.body.accessToken as string };
}

describe('GET /api/me/notifications', () => {
  it('lists the caller’s own notifications only, newest first, as they were emailed', async () => {
    const [ada, bo] = [await customer(), await customer()];
    const confirmed = orderEvent(ada);
    await publish(stack, 'orders.confirmed', confirmed);
    await within(5_000, async () => (await stack.mailpit?.messagesTo(ada.email))?.length === 1);
    await publish(stack, 'orders.shipped', { ...confirmed, status: 'shipped', version: 2 });
    await within(5_000, async () => (await stack.mailpit?.messagesTo(ada.email))?.length === 2);

    const mine = await call('/api/me/notifications?pageSize=10', ada.token);
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ page: 1, pageSize: 10, total: 2 });
    expect(mine.body.items.map((n: { kind: string }) => n.kind)).toEqual(['order_shipped', 'order_confirmed']);
    expect(mine.body.items[1]).toMatchObject({
      orderId: confirmed.orderId,
      sentTo: ada.email,
      subject: `Your DBcarts order ${confirmed.orderId} is confirmed`,
    });

    const theirs = await call('/api/me/notifications', bo.token);
    expect(theirs.body).toEqual({ items: [], page: 1, pageSize: 20, total: 0 });
  });

  it('refuses without a token (401) and bad or foreign queries (400), as problems', async () => {
    const ada = await customer();
    const anonymous = await call('/api/me/notifications');
    expect(anonymous.status).toBe(401);
    expect(anonymous.type).toContain('application/problem+json');
    for (const q of ['pageSize=101', 'page=0', `customerId=${ada.id}`, 'page=abc']) {
      const res = await call(`/api/me/notifications?${q}`, ada.token);
      expect(res.status, q).toBe(400);
      expect(res.type).toContain('application/problem+json');
      expect(res.body.code).toBe('REQUEST.INVALID');
    }
  });
});
