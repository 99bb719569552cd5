import { startStack, type TestStack } from '@dbcarts/testing';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, eventually, expectBoundedAnswer } from '../support/stall-probe';

// Issue 9, item 3, for the database: the MariaDB pools had no query timeout and an unbounded wait
// queue, so a stalled database held every request that touched it. The stall here is real and
// confined to this run's own databases: another session holds LOCK TABLES ... WRITE on the
// catalog's `products` and the users service's `users` table, so every statement on them waits.
const MARIADB_URL = process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306';
const HOLD_MS = 15_000;
const PASSWORD = 'correct horse battery 2';

let stack: TestStack;
let gateway: string;
const email = `dbstall-${Date.now().toString(36)}@example.test`;

beforeAll(async () => {
  stack = await startStack({
    apps: ['users', 'catalog', 'gateway'],
    appEnv: { catalog: { SEED_CATALOG_PRODUCTS: '14' } },
  });
  gateway = stack.appUrl('gateway');
  const reg = await call(gateway, 'POST', '/api/auth/register', { email, password: PASSWORD, name: 'Stall' });
  expect(reg.status).toBe(201);
});
afterAll(() => stack?.stop());

let n = 0;
// A search no cache holds, so the catalog asks its database (a cached page would dodge the stall).
const listing = () => call(gateway, 'GET', `/api/products?q=blocks${n++}&pageSize=5`);
const login = () => call(gateway, 'POST', '/api/auth/login', { email, password: PASSWORD });

/** Locks both tables from one session of its own for `HOLD_MS`, then lets go; resolves when locked. */
async function stallDatabases(): Promise<{ released: Promise<void> }> {
  const holder = await mysql.createConnection(MARIADB_URL);
  const catalog = stack.database('catalog');
  const users = stack.database('users');
  await holder.query(`LOCK TABLES \`${catalog}\`.products WRITE, \`${users}\`.users WRITE`);
  const released = new Promise<void>((resolve) => setTimeout(resolve, HOLD_MS)).then(async () => {
    await holder.query('UNLOCK TABLES');
    await holder.end();
  });
  return { released };
}

describe('MariaDB stalled (tables locked by another session)', () => {
  it('listings and logins answer within the bound during the stall, and succeed again after it without restarts', async () => {
    expect((await listing()).status).toBe(200);
    expect((await login()).status).toBe(200);

    const { released } = await stallDatabases();
    const lockedAt = Date.now();
    // More callers than a pool holds (10): the queue is bounded and every caller still gets an answer.
    const during = await Promise.all([...Array.from({ length: 12 }, listing), ...Array.from({ length: 4 }, login)]);
    expect(Date.now() - lockedAt).toBeLessThan(HOLD_MS - 2000); // all answered while the lock still held
    for (const a of during) expectBoundedAnswer(a, [503]);

    await released;
    const list = await eventually(listing, 200, 10_000);
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    const again = await eventually(login, 200, 10_000);
    expect(again.status, JSON.stringify(again.body)).toBe(200);
  });
});
