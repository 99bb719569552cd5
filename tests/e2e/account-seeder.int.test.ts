import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { startStack, type TestStack } from '@dbcarts/testing';
import { createUsersClient } from '@dbcarts/users/client';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The seeder as operators run it: the built CLI in its own process, so a kill is a real kill.
const CLI = join(__dirname, '..', '..', 'services', 'users', 'dist', 'src', 'seed-accounts.js');
const SERVER = process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306';
const DB = `dbcarts_seedtest_${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const DB_URL = `${SERVER}/${DB}`;
const COUNT = 3_000;
const PASSWORD = 'seed-test-password-1';

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  summary?: { seeded: number; written: number; resumedFrom: number; complete: boolean };
  progressLines: number;
}

/** Runs the CLI; with `killOnProgress`, SIGKILLs it at its first progress line (mid-load, a batch committed). */
function seed(args: string[], killOnProgress = false): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, '--db-url', DB_URL, '--password', PASSWORD, ...args]);
    let out = '';
    let progressLines = 0;
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      progressLines += (d.toString().match(/rows\/s/g) ?? []).length;
      if (killOnProgress && progressLines > 0) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const last = out.trim().split('\n').at(-1);
      resolve({ code, signal, progressLines, summary: last ? JSON.parse(last) : undefined });
    });
  });
}

let db: mysql.Connection;
let stack: TestStack | undefined;

beforeAll(async () => {
  db = await mysql.createConnection(SERVER);
  await db.query(`CREATE DATABASE \`${DB}\``);
  await db.changeUser({ database: DB });
});
afterAll(async () => {
  await stack?.stop();
  await db?.query(`DROP DATABASE IF EXISTS \`${DB}\``);
  await db?.end();
});

const seededRows = async () => {
  const [rows] = await db.query<mysql.RowDataPacket[]>(
    `SELECT COUNT(*) AS n, COUNT(DISTINCT email) AS emails, COUNT(DISTINCT password_hash) AS hashes,
       MIN(email LIKE 'customer-%@seed.dbcarts.test') AS allSeeded
     FROM users WHERE email LIKE '%@seed.dbcarts.test'`,
  );
  const r = rows[0] as { n: number; emails: number; hashes: number; allSeeded: number };
  return { n: Number(r.n), emails: Number(r.emails), hashes: Number(r.hashes), allSeeded: Number(r.allSeeded) };
};

describe('bulk account seeder', () => {
  it('migrates an empty database, survives a stop and a SIGKILL, and ends with exactly N accounts', async () => {
    const partial = await seed(['--count', String(COUNT), '--batch-size', '250', '--max-batches', '4']);
    expect(partial.code).toBe(0);
    expect(partial.summary).toMatchObject({ seeded: 1_000, written: 1_000, resumedFrom: 1, complete: false });

    const killed = await seed(['--count', String(COUNT), '--batch-size', '50'], true);
    expect(killed.signal).toBe('SIGKILL');
    const afterKill = (await seededRows()).n;
    expect(afterKill).toBeGreaterThan(1_000);
    expect(afterKill).toBeLessThan(COUNT); // killed mid-load, not after it

    const rest = await seed(['--count', String(COUNT)]);
    expect(rest.code).toBe(0);
    expect(rest.summary).toMatchObject({ seeded: COUNT, written: COUNT - afterKill, complete: true });
    expect(rest.summary?.resumedFrom).toBe(afterKill + 1);
    expect(await seededRows()).toEqual({ n: COUNT, emails: COUNT, hashes: 1, allSeeded: 1 });

    const again = await seed(['--count', String(COUNT)]);
    expect(again.summary).toMatchObject({ seeded: COUNT, written: 0, complete: true });
  });

  it('refuses to resume with another password instead of seeding a mix', async () => {
    const child = spawn(process.execPath, [CLI, '--db-url', DB_URL, '--password', 'other', '--count', '3100']);
    const code = await new Promise((r) => child.on('close', r));
    expect(code).toBe(1);
    expect((await seededRows()).n).toBe(COUNT);
  });

  it('seeded accounts log in with the known password through a real users service', async () => {
    stack = await startStack({ apps: ['users'], appEnv: { users: { DB_URL } } });
    const users = createUsersClient(stack.sidecar('users'));
    const email = 'customer-2345@seed.dbcarts.test';
    const tokens = await users.login({ email, password: PASSWORD });
    expect(tokens).toMatchObject({ tokenType: 'Bearer', accessToken: expect.any(String) });
    const sub = JSON.parse(Buffer.from(tokens.accessToken.split('.')[1] as string, 'base64url').toString()).sub;
    expect(await users.user(sub)).toMatchObject({ email, name: 'Customer 2345', roles: ['customer'] });
    await expect(users.login({ email, password: 'not the password' })).rejects.toMatchObject({
      problem: { status: 401 },
    });
    // The service's own start (migrations, admin account) leaves the seeded set as it was.
    expect((await seededRows()).n).toBe(COUNT);
  });
});
