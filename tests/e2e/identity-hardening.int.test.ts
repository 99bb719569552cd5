import { randomInt } from 'node:crypto';
import { startStack, type TestStack } from '@dbcarts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authQuery, Browser, openSignIn, pkce, signIn } from '../support/oidc-browser';

// Issue 9, items 4 and 10: registration is throttled per address and KDF work is bounded per users
// instance; the per-account login budget is keyed on the account and counted before the password.
const PASSWORD = 'correct horse 1';
const WINDOW_SECONDS = 12;

let stack: TestStack;
let gw: string;

beforeAll(async () => {
  stack = await startStack({
    apps: ['users', 'gateway'],
    appEnv: {
      // Logins here all come from one address: the per-account budget is what these tests exercise.
      gateway: { LOGIN_ATTEMPTS_PER_IP_PER_MINUTE: '1000', REGISTRATIONS_PER_IP_PER_HOUR: '5' },
      // Fixed KDF capacity (2 running + 30 waiting, registrations at most half) whatever the core count,
      // and a short failure window so a test can wait it out.
      users: { KDF_CONCURRENCY: '2', KDF_QUEUE_LIMIT: '30', LOGIN_FAILURE_WINDOW_SECONDS: String(WINDOW_SECONDS) },
    },
  });
  gw = stack.appUrl('gateway');
});
afterAll(() => stack?.stop());

/** A client address of its own (the gateway believes X-Forwarded-For from loopback, like from a load balancer). */
const anotherAddress = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

async function post(path: string, body: unknown, from?: string) {
  const res = await fetch(`${gw}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(from ? { 'x-forwarded-for': from } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: problem bodies are inspected field by field
  const parsed: any = text ? JSON.parse(text) : undefined;
  return { status: res.status, headers: res.headers, body: parsed };
}

/** A fresh customer whose email starts with an `a`, so `á…` is one of its spellings. */
async function account(): Promise<string> {
  const email = `a${stack.uniqueId('h').toLowerCase()}@example.test`;
  const reg = await post('/api/auth/register', { email, password: PASSWORD, name: 'Ana' }, anotherAddress());
  expect(reg.status).toBe(201);
  return email;
}

const login = (email: string, password: string, from?: string) => post('/api/auth/login', { email, password }, from);

describe('registration is not a free CPU sink (issue 9, item 4)', () => {
  it('throttles registration per address: of 60 concurrent from one address, only the budget gets through, the rest 429 with Retry-After', async () => {
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        post('/api/auth/register', {
          email: `r${i}-${stack.uniqueId('r').toLowerCase()}@example.test`,
          password: PASSWORD,
          name: 'Reg',
        }),
      ),
    );
    const created = answers.filter((a) => a.status === 201);
    const throttled = answers.filter((a) => a.status === 429);
    expect(created.length).toBeGreaterThan(0);
    expect(created.length).toBeLessThanOrEqual(5);
    expect(throttled.length).toBeGreaterThanOrEqual(55);
    for (const t of throttled) {
      expect(t.headers.get('content-type')).toContain('application/problem+json');
      expect(t.body.code).toBe('AUTH.TOO_MANY_REGISTRATIONS');
      expect(Number(t.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    // Another address has its own budget.
    expect(
      (
        await post(
          '/api/auth/register',
          { email: `o-${stack.uniqueId('r').toLowerCase()}@example.test`, password: PASSWORD, name: 'Reg' },
          anotherAddress(),
        )
      ).status,
    ).toBe(201);
  });

  it('bounds KDF work per users instance: a registration flood from many addresses gets 503 AUTH.BUSY with Retry-After while logins keep succeeding', async () => {
    const email = await account();
    const flood = Promise.all(
      Array.from({ length: 80 }, (_, i) =>
        post(
          '/api/auth/register',
          { email: `f${i}-${stack.uniqueId('f').toLowerCase()}@example.test`, password: PASSWORD, name: 'Flo' },
          anotherAddress(),
        ),
      ),
    );
    // Two clients signing in while the flood runs: registrations may only take part of the queue.
    const logins = Promise.all(
      [0, 1].map(async () => {
        const statuses: number[] = [];
        for (let n = 0; n < 4; n++) statuses.push((await login(email, PASSWORD)).status);
        return statuses;
      }),
    );
    const [registrations, signIns] = await Promise.all([flood, logins]);
    expect(signIns.flat()).toEqual(Array(8).fill(200));
    expect(registrations.every((r) => r.status === 201 || r.status === 503)).toBe(true);
    const busy = registrations.filter((r) => r.status === 503);
    expect(busy.filter((b) => b.body.code === 'AUTH.BUSY').length).toBeGreaterThan(0);
    for (const b of busy) {
      expect(b.headers.get('content-type')).toContain('application/problem+json');
      // On a machine loaded far past its cores, a queued registration's turn plus its KDF can outlast
      // the gateway's invocation timeout: then the gateway's own 503 (also with Retry-After).
      expect(['AUTH.BUSY', 'DEPENDENCY.UNAVAILABLE']).toContain(b.body.code);
      expect(Number(b.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });
});

describe('the per-account login budget cannot be dodged (issue 9, item 10)', () => {
  it('counts every spelling the account lookup accepts against one budget: 12 failures over á…@, A…@ (upper case) and a…@ block the account', async () => {
    const email = await account();
    const spellings = [`á${email.slice(1)}`, email.toUpperCase(), email];
    const answers: number[] = [];
    for (let n = 0; n < 12; n++) answers.push((await login(spellings[n % 3] as string, `wrong password ${n}`)).status);
    expect(answers).toEqual([...Array(10).fill(401), 429, 429]);
    for (const spelling of spellings) {
      const blocked = await login(spelling, PASSWORD);
      expect(blocked.status, spelling).toBe(429);
      expect(blocked.body.code).toBe('AUTH.TOO_MANY_ATTEMPTS');
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });

  it('counts an attempt before the password is checked: of 30 parallel wrong guesses at most the budget are checked, the rest 429; the right password waits out the window', async () => {
    const email = await account();
    const guesses = await Promise.all(Array.from({ length: 30 }, (_, n) => login(email, `parallel guess ${n}`)));
    const codes = guesses.map((g) => g.body.code as string);
    const checked = codes.filter((c) => c === 'AUTH.INVALID_CREDENTIALS').length;
    // Exactly the budget is admitted, each counted before its KDF: checked, or (on a loaded machine)
    // refused as AUTH.BUSY after waiting too long for a KDF turn. Never more than the budget checked.
    expect(checked).toBeGreaterThan(0);
    expect(checked + codes.filter((c) => c === 'AUTH.BUSY').length).toBe(10);
    expect(codes.filter((c) => c === 'AUTH.TOO_MANY_ATTEMPTS')).toHaveLength(20);
    expect(guesses.filter((g) => g.status === 429).every((g) => Number(g.headers.get('retry-after')) > 0)).toBe(true);

    const refused = await login(email, PASSWORD);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
    await new Promise((r) => setTimeout(r, retryAfter * 1000 + 500));
    expect((await login(email, PASSWORD)).status).toBe(200);
  }, 60_000);

  it('blocks an email no account has after the same budget, so a 429 does not tell accounts apart', async () => {
    const known = await account();
    const unknown = `a${stack.uniqueId('n').toLowerCase()}@example.test`;
    for (const email of [known, unknown]) {
      const answers: number[] = [];
      for (let n = 0; n < 11; n++) answers.push((await login(email, `wrong password ${n}`)).status);
      expect(answers, email).toEqual([...Array(10).fill(401), 429]);
    }
  });

  it('the OIDC sign-in form draws on the same budget, whatever the spelling', async () => {
    const email = await account();
    const browser = new Browser(gw);
    const action = await openSignIn(browser, authQuery(pkce().challenge));
    for (let n = 0; n < 10; n++)
      expect((await signIn(browser, action, `á${email.slice(1)}`, `wrong ${n}`)).status).toBe(401);
    const api = await login(email.toUpperCase(), PASSWORD);
    expect(api.status).toBe(429);
    const form = await signIn(browser, action, email, PASSWORD);
    expect(form.status).toBe(429);
    expect(Number(form.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
