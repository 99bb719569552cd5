import { randomBytes } from 'node:crypto';
import { underMigrationLock } from '@dbcarts/db';
import { DependencyUnavailableError } from '@dbcarts/errors';
import { toProblem } from '@dbcarts/http';
import mysql from 'mysql2/promise';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalogDataSource } from '../src/infra/typeorm/data-source';

// The catalog's own DataSource against a real MariaDB whose `products` table another session holds
// with LOCK TABLES ... WRITE: every statement on it waits as long as the lock is held.
const SERVER = process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306';
const DB = `dbcarts_t${Date.now().toString(36)}${randomBytes(3).toString('hex')}_stall`;
const BOUND_MS = 3000; // the per-query bound this test holds the data source to
const SLACK_MS = 1500; // two shared cores: timers fire late under load

let admin: mysql.Connection;
let ds: DataSource;

beforeAll(async () => {
  admin = await mysql.createConnection(SERVER);
  await admin.query(`CREATE DATABASE \`${DB}\``);
  ds = createCatalogDataSource(`${SERVER}/${DB}`);
  await ds.initialize();
  await underMigrationLock(ds, () => ds.runMigrations({ transaction: 'each' }));
});

afterAll(async () => {
  await ds?.destroy().catch(() => undefined);
  await admin?.query(`DROP DATABASE IF EXISTS \`${DB}\``);
  await admin?.end();
});

async function timed<T>(work: Promise<T>): Promise<{ ms: number; value?: T; error?: unknown }> {
  const started = Date.now();
  try {
    const value = await work;
    return { ms: Date.now() - started, value };
  } catch (error) {
    return { ms: Date.now() - started, error };
  }
}

/**
 * Holds the table locked from a session of its own; the returned function lets go. The lock goes by
 * itself after `holdMs` (well past the bound), so a data source without bounds fails the timing
 * assertions instead of hanging the run.
 */
async function lockProducts(holdMs = BOUND_MS + 7000): Promise<() => Promise<void>> {
  const holder = await mysql.createConnection(`${SERVER}/${DB}`);
  await holder.query('LOCK TABLES products WRITE');
  let released: Promise<void> | undefined;
  const unlock = () => {
    released ??= holder.query('UNLOCK TABLES').then(() => holder.end());
    return released;
  };
  setTimeout(() => void unlock(), holdMs).unref();
  return unlock;
}

describe('catalog database stalled (LOCK TABLES held by another session)', () => {
  it('a query ends at its bound with a dependency fault (503 in public words), not when the lock goes', async () => {
    const unlock = await lockProducts();
    try {
      const r = await timed(ds.query('SELECT COUNT(*) AS n FROM products'));
      expect(r.ms).toBeLessThan(BOUND_MS + SLACK_MS);
      expect(r.error).toBeInstanceOf(DependencyUnavailableError);
      const body = toProblem(r.error);
      expect(body).toMatchObject({ status: 503, code: 'DEPENDENCY.UNAVAILABLE' });
      expect(body.detail).toBe('The catalog service is unavailable; try again shortly.');
    } finally {
      await unlock();
    }
  });

  it('many callers at once (more than the pool holds) all end within the bound; then the same pool serves again', async () => {
    const unlock = await lockProducts();
    let results: Awaited<ReturnType<typeof timed>>[];
    try {
      results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => timed(ds.query('SELECT id FROM products WHERE id = ?', [`p-${i}`]))),
      );
    } finally {
      await unlock();
    }
    for (const r of results) {
      expect(r.ms).toBeLessThan(BOUND_MS + SLACK_MS);
      expect(r.error).toBeInstanceOf(DependencyUnavailableError);
    }
    // No restart: the stalled connections were dropped, fresh ones answer.
    const again = await Promise.all(
      Array.from({ length: 20 }, () => timed(ds.query('SELECT COUNT(*) AS n FROM products'))),
    );
    for (const r of again) expect(r.error).toBeUndefined();
  });

  it('a transaction stalled mid-way ends within the bound and leaves nothing behind', async () => {
    const unlock = await lockProducts();
    try {
      const r = await timed(
        ds.transaction(async (m) => {
          await m.query('SELECT 1');
          await m.query('SELECT COUNT(*) FROM products');
        }),
      );
      expect(r.ms).toBeLessThan(2 * BOUND_MS + SLACK_MS); // the statement, then a ROLLBACK on a dead connection
      expect(r.error).toBeInstanceOf(DependencyUnavailableError);
    } finally {
      await unlock();
    }
    expect((await timed(ds.query('SELECT COUNT(*) AS n FROM products'))).error).toBeUndefined();
  });

  it('migrations and the migration lock are not held to the query bound (they rightly take longer)', async () => {
    await lockProducts(BOUND_MS + 1000);
    const r = await timed(underMigrationLock(ds, () => ds.query('SELECT COUNT(*) AS n FROM products')));
    expect(r.error).toBeUndefined();
    expect(r.ms).toBeGreaterThan(BOUND_MS);
  });

  it('a statement that is merely wrong is not a dependency fault', async () => {
    const r = await timed(ds.query('SELECT no_such_column FROM products'));
    expect(r.error).toBeDefined();
    expect(r.error).not.toBeInstanceOf(DependencyUnavailableError);
  });
});
