import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAfterSalesDataSource } from '../src/infra/typeorm/data-source';
import { SqlIdempotencyStore } from '../src/infra/typeorm/sql-idempotency.store';

// Idempotency-Keys were kept forever: every warranty, claim and support request left a row. The
// sweep forgets those past their retention, in bounded batches, and nothing younger.

const SERVER = process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306';
const DB = `dbcarts_t_idemsweep_${randomBytes(4).toString('hex')}`;
let ds: DataSource;
let admin: mysql.Connection;

beforeAll(async () => {
  admin = await mysql.createConnection(SERVER);
  await admin.query(`CREATE DATABASE \`${DB}\``);
  ds = createAfterSalesDataSource(`${SERVER}/${DB}`);
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
});
afterAll(async () => {
  await ds?.destroy();
  await admin?.query(`DROP DATABASE IF EXISTS \`${DB}\``);
  await admin?.end();
});

describe('the Idempotency-Key sweep', () => {
  it('removes the keys stored before the cut, in batches, and keeps every younger one replayable', async () => {
    const now = Date.now();
    const hour = 3_600_000;
    const rows = [
      ...Array.from({ length: 25 }, (_, i) => [`c-${i % 3}`, `old-${i}`, new Date(now - 100 * hour - i * 1000)]),
      ...Array.from({ length: 7 }, (_, i) => [`c-${i % 3}`, `young-${i}`, new Date(now - 23 * hour + i * 1000)]),
    ].map(([customer, key, at]) => [customer, key, 'h'.repeat(64), 201, '{"ok":true}', at]);
    await ds.query(
      'INSERT INTO idempotency_keys (customer_id, idem_key, request_hash, response_status, response_body, created_at) VALUES ?',
      [rows],
    );
    const store = new SqlIdempotencyStore(ds);

    expect(await store.sweep(new Date(now - 72 * hour), 10)).toBe(25); // three statements: 10, 10, 5
    const left = (await ds.query('SELECT idem_key FROM idempotency_keys ORDER BY idem_key')) as { idem_key: string }[];
    expect(left.map((r) => r.idem_key)).toEqual(Array.from({ length: 7 }, (_, i) => `young-${i}`));
    const replay = await store.earlier({ customerId: 'c-1', key: 'young-1', hash: 'h'.repeat(64) });
    expect(replay).toEqual({ status: 201, body: { ok: true } });
    expect(await store.sweep(new Date(now - 72 * hour), 10)).toBe(0);
  });
});
