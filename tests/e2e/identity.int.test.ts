import { generateKeyPairSync } from 'node:crypto';
import { startStack, TEST_ADMIN, type TestStack } from '@dbcarts/testing';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let stack: TestStack;
let gw: string;

beforeAll(async () => {
  stack = await startStack({
    apps: ['users', 'catalog', 'inventory', 'gateway'],
    appEnv: {
      catalog: { SEED_CATALOG_PRODUCTS: '14' },
      // Every login here comes from one address: the per-account budget is what these tests exercise.
      gateway: { LOGIN_ATTEMPTS_PER_IP_PER_MINUTE: '500' },
    },
  });
  gw = stack.appUrl('gateway');
});
afterAll(() => stack?.stop());

async function call(method: string, path: string, body?: unknown, token?: string) {
  const res = await fetch(`${gw}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

const email = () => `${stack.uniqueId('u').toLowerCase()}@example.test`;

async function customer() {
  const e = email();
  expect(
    (await call('POST', '/api/auth/register', { email: e, password: 'correct horse 1', name: 'Ada' })).status,
  ).toBe(201);
  const login = await call('POST', '/api/auth/login', { email: e, password: 'correct horse 1' });
  expect(login.status).toBe(200);
  return { email: e, ...login.body } as { email: string; accessToken: string; refreshToken: string };
}

describe('identity through the gateway', () => {
  it('API3:2023 property level: registers customers only as customers (no role/extra fields), no duplicates or short passwords', async () => {
    const e = email();
    const ok = await call('POST', '/api/auth/register', { email: e, password: 'long enough pw', name: 'Bo' });
    expect(ok.status).toBe(201);
    expect(ok.body).toEqual({ id: expect.any(String), email: e, name: 'Bo', roles: ['customer'] });
    expect(
      (await call('POST', '/api/auth/register', { email: e.toUpperCase(), password: 'long enough pw', name: 'Bo' }))
        .body.code,
    ).toBe('USER.EMAIL_TAKEN');
    expect((await call('POST', '/api/auth/register', { email: email(), password: 'short', name: 'Bo' })).status).toBe(
      400,
    );
    const mass = await call('POST', '/api/auth/register', {
      email: email(),
      password: 'long enough pw',
      name: 'Bo',
      roles: ['admin'],
    });
    expect(mass.status).toBe(400);
  });

  it('API2:2023 no account enumeration: a wrong password and an unknown account get the same answer', async () => {
    const c = await customer();
    const wrong = await call('POST', '/api/auth/login', { email: c.email, password: 'not the password' });
    const unknown = await call('POST', '/api/auth/login', { email: email(), password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    // Per-request ids differ by design; everything else must be the same.
    const same = (b: object) => ({ ...b, traceId: undefined, requestId: undefined });
    expect(same(wrong.body)).toEqual(same(unknown.body));
  });

  it('API2:2023 broken authentication: rejects missing, tampered, alg:none and foreign-key tokens with 401', async () => {
    const c = await customer();
    expect((await call('GET', '/api/me', undefined, c.accessToken)).body).toMatchObject({
      email: c.email,
      roles: ['customer'],
    });
    expect((await call('GET', '/api/me')).status).toBe(401);
    const [h, p, s] = c.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(p as string, 'base64url').toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, roles: ['admin'] })).toString('base64url')}.${s}`;
    expect((await call('GET', '/api/me', undefined, tampered)).status).toBe(401);
    const none = `${Buffer.from('{"alg":"none","typ":"at+jwt"}').toString('base64url')}.${p}.`;
    expect((await call('GET', '/api/me', undefined, none)).status).toBe(401);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const foreign = await new SignJWT({ roles: ['admin'], sid: claims.sid })
      .setProtectedHeader({
        alg: 'ES256',
        kid: JSON.parse(Buffer.from(h as string, 'base64url').toString()).kid,
        typ: 'at+jwt',
      })
      .setSubject(claims.sub)
      .setIssuer(claims.iss)
      .setAudience('dbcarts-api')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    expect((await call('GET', '/api/me', undefined, foreign)).status).toBe(401);
    // A bad token is refused on public routes too, but never blocks refreshing.
    expect((await call('GET', '/api/categories', undefined, tampered)).status).toBe(401);
    expect((await call('GET', '/api/categories', undefined, c.accessToken)).status).toBe(200);
    expect((await call('POST', '/api/auth/refresh', { refreshToken: c.refreshToken }, tampered)).status).toBe(200);
  });

  it('rotates refresh tokens; reusing a rotated one revokes the whole family; logout revokes', async () => {
    const c = await customer();
    const first = await call('POST', '/api/auth/refresh', { refreshToken: c.refreshToken });
    expect(first.status).toBe(200);
    expect(first.body.refreshToken).not.toBe(c.refreshToken);
    const reuse = await call('POST', '/api/auth/refresh', { refreshToken: c.refreshToken });
    expect(reuse.status).toBe(401);
    expect((await call('POST', '/api/auth/refresh', { refreshToken: first.body.refreshToken })).status).toBe(401);

    const d = await customer();
    expect((await call('POST', '/api/auth/logout', undefined, d.accessToken)).status).toBe(204);
    expect((await call('POST', '/api/auth/refresh', { refreshToken: d.refreshToken })).status).toBe(401);
  });

  it("API1:2023 object level authorization: keeps each customer to their own addresses (404 for another's)", async () => {
    const a = await customer();
    const b = await customer();
    const addr = { name: 'Home', line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };
    const created = await call('POST', '/api/me/addresses', addr, a.accessToken);
    expect(created.status).toBe(201);
    expect((await call('GET', '/api/me/addresses', undefined, b.accessToken)).body).toEqual([]);
    expect((await call('DELETE', `/api/me/addresses/${created.body.id}`, undefined, b.accessToken)).status).toBe(404);
    expect((await call('GET', '/api/me/addresses', undefined, a.accessToken)).body).toHaveLength(1);
    expect((await call('DELETE', `/api/me/addresses/${created.body.id}`, undefined, a.accessToken)).status).toBe(204);
  });

  it("API1:2023 object level authorization: lists a customer's own sessions only; another's cannot be signed out (404)", async () => {
    const a = await customer();
    const second = await call('POST', '/api/auth/login', { email: a.email, password: 'correct horse 1' });
    const b = await customer();
    const mine = await call('GET', '/api/me/sessions', undefined, a.accessToken);
    expect(mine.status).toBe(200);
    expect(mine.body).toHaveLength(2);
    const current = mine.body.find((s: { current: boolean }) => s.current);
    const other = mine.body.find((s: { current: boolean }) => !s.current);
    expect(Object.keys(current).sort()).toEqual(['createdAt', 'current', 'expiresAt', 'id', 'lastUsedAt']);
    expect((await call('GET', '/api/me/sessions', undefined, b.accessToken)).body).toHaveLength(1);

    // B cannot sign A out, and learns nothing: the same 404 as for an id that never existed.
    const theirs = await call('DELETE', `/api/me/sessions/${other.id}`, undefined, b.accessToken);
    expect(theirs.status).toBe(404);
    expect(theirs.body.code).toBe('SESSION.NOT_FOUND');
    expect((await call('DELETE', `/api/me/sessions/${crypto.randomUUID()}`, undefined, b.accessToken)).body.code).toBe(
      'SESSION.NOT_FOUND',
    );
    // A signs out the other device: its refresh token stops working, this one keeps going.
    expect((await call('DELETE', `/api/me/sessions/${other.id}`, undefined, a.accessToken)).status).toBe(204);
    expect((await call('POST', '/api/auth/refresh', { refreshToken: second.body.refreshToken })).status).toBe(401);
    expect(
      (await call('GET', '/api/me/sessions', undefined, a.accessToken)).body.map((s: { id: string }) => s.id),
    ).toEqual([current.id]);
    expect((await call('POST', '/api/auth/refresh', { refreshToken: a.refreshToken })).status).toBe(200);
  });

  it('lists every session of concurrent logins to one account (the per-user list loses none)', async () => {
    const c = await customer();
    // A login the users service's bounded KDF queue turns away (503 AUTH.BUSY on a loaded machine) is
    // retried as a client would: this test is about the session list, not the queue.
    const login = async () => {
      for (let attempt = 0; ; attempt++) {
        const res = await call('POST', '/api/auth/login', { email: c.email, password: 'correct horse 1' });
        if (res.status !== 503 || attempt === 5) return res;
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    const logins = await Promise.all(Array.from({ length: 8 }, login));
    expect(logins.map((l) => l.status)).toEqual(Array(8).fill(200));
    const listed = await call('GET', '/api/me/sessions', undefined, c.accessToken);
    expect(listed.body).toHaveLength(9);
  });

  it('API5:2023 function level authorization: only admins write products, stock and flash sales (403 for a customer)', async () => {
    const c = await customer();
    const draft = {
      sku: stack.uniqueId('ADM'),
      name: 'Admin lamp',
      category: 'home',
      price: { amount: 2500, currency: 'USD' },
    };
    expect((await call('POST', '/api/products', draft, c.accessToken)).status).toBe(403);
    expect((await call('PUT', `/api/inventory/${draft.sku}`, { onHand: 5 }, c.accessToken)).status).toBe(403);

    const admin = await call('POST', '/api/auth/login', TEST_ADMIN);
    expect(admin.status).toBe(200);
    const token = admin.body.accessToken as string;
    expect((await call('POST', '/api/products', draft, token)).status).toBe(201);
    expect((await call('PUT', `/api/inventory/${draft.sku}`, { onHand: 5 }, token)).body).toMatchObject({
      available: 5,
    });
    const sale = await call(
      'POST',
      '/api/flash-sales',
      {
        sku: draft.sku,
        price: { amount: 1000, currency: 'USD' },
        startsAt: new Date(Date.now() - 1000).toISOString(),
        endsAt: new Date(Date.now() + 60_000).toISOString(),
        quantity: 3,
        perCustomerLimit: 1,
      },
      token,
    );
    expect(sale.status).toBe(201);
    expect((await call('GET', '/api/flash-sales/active')).body).toContainEqual(
      expect.objectContaining({ id: sale.body.id, sku: draft.sku, remaining: 3 }),
    );
  });

  it('API2:2023 credential stuffing: throttles repeated failed logins on one account with 429 and Retry-After', async () => {
    const c = await customer();
    const answers: number[] = [];
    for (let i = 0; i < 12; i++)
      answers.push((await call('POST', '/api/auth/login', { email: c.email, password: 'wrong password!' })).status);
    expect(answers.slice(0, 10).every((s) => s === 401)).toBe(true);
    const last = await call('POST', '/api/auth/login', { email: c.email, password: 'correct horse 1' });
    expect(last.status).toBe(429);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
