import { expect } from 'vitest';

// Calls through the gateway as a client would, and customers to make them with.

export interface ApiAnswer {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: test responses are inspected field by field
  body: any;
}

export function apiCaller(gateway: string) {
  return async (
    method: string,
    path: string,
    body?: unknown,
    token?: string,
    headers: Record<string, string> = {},
  ): Promise<ApiAnswer> => {
    const res = await fetch(`${gateway}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {}
    return { status: res.status, headers: res.headers, text, body: parsed };
  };
}

export type Api = ReturnType<typeof apiCaller>;

/** Registers and logs in a new customer. */
export async function newCustomer(api: Api, id: string) {
  const email = `${id.toLowerCase()}@example.test`;
  const reg = await api('POST', '/api/auth/register', { email, password: 'correct horse 1', name: 'Casey Buyer' });
  expect(reg.status).toBe(201);
  const login = await api('POST', '/api/auth/login', { email, password: 'correct horse 1' });
  expect(login.status).toBe(200);
  return { id: reg.body.id as string, email, token: login.body.accessToken as string };
}

/** Polls until `probe` holds; how long it took. */
export async function within(ms: number, probe: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  while (!(await probe())) {
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return Date.now() - start;
}

export const ADDRESS = { name: 'Casey Buyer', line1: '1 Main St', city: 'Berlin', postalCode: '10115', country: 'DE' };

/** A POST /api/orders body paid with the test provider (`tok_visa` unless told otherwise). */
export function orderBody(items: object[], opts: { token?: string; couponCode?: string } = {}) {
  return {
    items,
    ...(opts.couponCode ? { couponCode: opts.couponCode } : {}),
    shippingAddress: ADDRESS,
    payment: { provider: 'test', token: opts.token ?? 'tok_visa' },
  };
}

/** Starts a running flash sale (a drop) of `quantity` units at 9.90 USD through the admin API. */
export async function startDrop(api: Api, admin: string, sku: string, quantity: number, perCustomerLimit: number) {
  const sale = await api(
    'POST',
    '/api/flash-sales',
    {
      sku,
      price: { amount: 990, currency: 'USD' },
      startsAt: new Date(Date.now() - 1000).toISOString(),
      endsAt: new Date(Date.now() + 600_000).toISOString(),
      quantity,
      perCustomerLimit,
    },
    admin,
  );
  expect(sale.status).toBe(201);
}
