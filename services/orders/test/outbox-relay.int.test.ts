import { randomBytes } from 'node:crypto';
import { appendToOutbox, OutboxRelay, outboxTableSql, outboxTraceparentMigration } from '@dbcarts/db';
import mysql from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

// The relay's shutdown flush against a real MariaDB: what a SIGTERM'd service still owes the broker
// is published before it exits, even when the sidecar refuses or times out for a moment (a loaded
// machine). Before the flush retried, the first failure ended it: a CI run's orders exited with 74
// committed events unpublished (tests/e2e/graceful-shutdown).
const SERVER = process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306';
const DB = `dbcarts_t_outbox_${randomBytes(4).toString('hex')}`;
let ds: DataSource;

beforeAll(async () => {
  const admin = await mysql.createConnection(SERVER);
  await admin.query(`CREATE DATABASE \`${DB}\``);
  await admin.end();
  ds = new DataSource({ type: 'mysql', url: `${SERVER}/${DB}`, entities: [] });
  await ds.initialize();
  await ds.query(outboxTableSql());
  await new (outboxTraceparentMigration('t'))().up(ds.createQueryRunner());
});
afterAll(async () => {
  await ds?.query(`DROP DATABASE IF EXISTS \`${DB}\``);
  await ds?.destroy();
});
beforeEach(async () => {
  await ds.query('DELETE FROM outbox');
  await ds.transaction((m) =>
    appendToOutbox(
      m,
      Array.from({ length: 30 }, (_, i) => ({ id: `e${i}`, pubsub: 'pubsub', topic: 'orders.confirmed', data: { i } })),
    ),
  );
});
const left = async () => Number((await ds.query('SELECT COUNT(*) AS n FROM outbox'))[0].n);

describe('OutboxRelay.shutdown', () => {
  it('publishes everything, in order, once, through a sidecar that fails a few times first', async () => {
    const published: string[] = [];
    let failures = 3;
    const relay = new OutboxRelay(ds, async (_p, _t, _d, id) => {
      if (id === 'e10' && failures-- > 0) throw new Error('sidecar timed out');
      published.push(id);
    });
    expect(await relay.shutdown(4_000)).toBe(30);
    expect(await left()).toBe(0);
    expect(published).toEqual(Array.from({ length: 30 }, (_, i) => `e${i}`));
  });

  it('gives up at its budget when the broker keeps refusing, keeping every row for the next relay', async () => {
    const relay = new OutboxRelay(ds, async (_p, _t, _d, id) => {
      if (id === 'e5') throw new Error('broker down');
    });
    const started = Date.now();
    expect(await relay.shutdown(600)).toBe(5);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await left()).toBe(25);
  });
});
