import 'reflect-metadata';
import { scratchDatabase } from '@dbcarts/testing';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAfterSalesDataSource } from '../src/infra/typeorm/data-source';
import { SqlIdempotencyStore } from '../src/infra/typeorm/sql-idempotency.store';

// Idempotency-Keys were kept forever: every warranty, claim and support request left a row. The
// sweep forgets those past their retention, in bounded batches, and nothing younger.

let ds: DataSource;
let db: Awaited<ReturnType<typeof scratchDatabase>>;

beforeAll(async () => {
  db = await scratchDatabase('idemsweep');
  ds = createAfterSalesDataSource(db.url);
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
});
afterAll(async () => {
  await ds?.destroy();
  await db?.drop();
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
