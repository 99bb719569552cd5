import { describe, expect, it } from 'vitest';
import { auditStatement, shardedTablesOf } from './shard-key-audit';

const sharded = new Set(['orders', 'order_lines', 'outbox', 'payments', 'provider_calls', 'idempotency_keys']);
const allowed = new Set(['admin reads an order by id']);
const audit = (sql: string) => auditStatement(sql, sharded, { allowedBroadcasts: allowed });

describe('auditStatement', () => {
  it('passes statements keyed by customer_id, whatever the alias', () => {
    for (const sql of [
      'SELECT * FROM orders WHERE customer_id = ? AND id = ?',
      'UPDATE order_lines SET returned = ? WHERE customer_id = ? AND order_id = ? AND line_no = ?',
      'DELETE FROM `outbox` WHERE customer_id = ? AND seq IN (?, ?)',
      `DELETE k FROM idempotency_keys k LEFT JOIN orders o ON o.customer_id = k.customer_id AND o.id = k.order_id
       WHERE k.customer_id = ? AND k.idem_key = ?`,
      'INSERT INTO order_lines (customer_id, order_id, line_no) VALUES (?, ?, ?), (?, ?, ?)',
      `INSERT INTO provider_calls (customer_id, order_id, provider) SELECT customer_id, order_id, provider
       FROM payments WHERE customer_id = ? AND order_id = ?`,
    ]) {
      expect(audit(sql)?.violation, sql).toBeUndefined();
    }
  });

  it('fails DML without the key, even marked broadcast, and an INSERT without the column', () => {
    expect(audit('UPDATE orders SET status = ? WHERE id = ?')?.violation).toMatch(/UPDATE without customer_id/);
    expect(audit('/* broadcast: admin reads an order by id */ DELETE FROM outbox WHERE seq IN (?)')?.violation).toMatch(
      /DELETE without/,
    );
    expect(audit('INSERT INTO `outbox` (event_id, pubsub) VALUES (?, ?)')?.violation).toMatch(/INSERT without/);
    expect(
      audit(
        'INSERT INTO provider_calls (customer_id, order_id) SELECT customer_id, order_id FROM payments WHERE order_id = ?',
      )?.violation,
    ).toMatch(/INSERT \.\.\. SELECT/);
    // The column named only in the SET list or the select list is not a condition.
    expect(audit("UPDATE orders SET customer_id = '' WHERE id = ?")?.violation).toBeDefined();
    expect(audit('SELECT customer_id FROM orders WHERE id = ?')?.violation).toBeDefined();
  });

  it('lets a read without the key through only with an allowed broadcast mark', () => {
    expect(audit('SELECT * FROM order_lines WHERE order_id = ?')?.violation).toMatch(/no broadcast mark/);
    const marked = audit('/* broadcast: admin reads an order by id */ SELECT * FROM orders WHERE id = ?');
    expect(marked).toMatchObject({ kind: 'select', tables: ['orders'], broadcast: 'admin reads an order by id' });
    expect(marked?.violation).toBeUndefined();
    expect(audit('/* broadcast: because */ SELECT * FROM orders WHERE id = ?')?.violation).toMatch(/allow-list/);
  });

  it('ignores statements on no sharded table', () => {
    expect(audit('SELECT last_seq FROM invoice_counters WHERE year = ?')).toBeUndefined();
    expect(audit('START TRANSACTION')).toBeUndefined();
    expect(audit('SELECT GET_LOCK(?, 0) AS ok')).toBeUndefined();
  });
});

it('reads the sharded tables of a ShardingSphere config, not its single ones', () => {
  const yaml = `rules:\n  - !SHARDING\n    tables:\n      orders:\n        actualDataNodes: ds_\${0..1}.orders\n      outbox:\n        actualDataNodes: ds_\${0..1}.outbox\n        keyGenerateStrategy:\n          column: seq\n  - !SINGLE\n    tables:\n      - ds_0.invoices\n`;
  expect([...shardedTablesOf(yaml)]).toEqual(['orders', 'outbox']);
});
