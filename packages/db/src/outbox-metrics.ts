import { counter, gauge } from '@dbcarts/metrics';
import type { DataSource } from 'typeorm';

const backlog = gauge<'table'>({
  name: 'outbox_backlog',
  help: 'Outbox rows committed and not yet published (measured after each relay poll)',
  labelNames: ['table'],
});
const oldestAge = gauge<'table'>({
  name: 'outbox_oldest_age_seconds',
  help: 'Age of the oldest unpublished outbox row (0 when empty): how late downstream is',
  labelNames: ['table'],
});
const published = counter<'table'>({
  name: 'outbox_published_total',
  help: 'Outbox rows the broker took',
  labelNames: ['table'],
});

const MEASURE_EVERY_MS = 1_000;
const lastMeasured = new Map<string, number>();

export function countPublished(table: string, rows: number): void {
  if (rows) published.inc({ table }, rows);
}

/**
 * Backlog and the oldest row's age, on the database's clock (no skew with the writers'), after a
 * relay poll, at most once a second: what the on-call reads when downstream lags (the broker
 * refusing, or the relay stuck).
 * Every instance's relay measures, lock holder or not: they all see the same table.
 */
export async function measureOutbox(ds: DataSource, table: string): Promise<void> {
  // Under load the relay runs back to back (every commit wakes it): one count a second is enough.
  const now = Date.now();
  if (now - (lastMeasured.get(table) ?? 0) < MEASURE_EVERY_MS) return;
  lastMeasured.set(table, now);
  try {
    const [row] = await ds.query(
      `/* broadcast: outbox backlog metrics count every shard */ SELECT COUNT(*) AS n, COALESCE(TIMESTAMPDIFF(MICROSECOND, MIN(created_at), NOW(3)), 0) AS age FROM \`${table}\``,
    );
    backlog.set({ table }, Number(row?.n ?? 0));
    oldestAge.set({ table }, Number(row?.age ?? 0) / 1e6);
  } catch {
    // The database is down: the relay's own error says so; the gauges keep their last values.
  }
}
