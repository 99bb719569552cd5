import { describe, expect, it } from 'vitest';
import { counter, histogram } from './registry';
import { metricsSnapshot } from './snapshot';

describe('metricsSnapshot', () => {
  it("gives this process's dbcarts_ series as samples: counters, histogram sum and count, no buckets, no service label", async () => {
    const c = counter<'outcome'>({ name: 'snapshot_test_total', help: 'test', labelNames: ['outcome'] });
    const h = histogram({ name: 'snapshot_test_seconds', help: 'test', buckets: [0.1, 1] });
    c.inc({ outcome: 'claimed' }, 3);
    h.observe(0.5);
    h.observe(2);
    const samples = await metricsSnapshot();
    expect(samples).toContainEqual({ name: 'dbcarts_snapshot_test_total', labels: { outcome: 'claimed' }, value: 3 });
    expect(samples).toContainEqual({ name: 'dbcarts_snapshot_test_seconds_sum', labels: {}, value: 2.5 });
    expect(samples).toContainEqual({ name: 'dbcarts_snapshot_test_seconds_count', labels: {}, value: 2 });
    expect(samples.some((s) => s.name.endsWith('_bucket'))).toBe(false);
    expect(samples.every((s) => s.name.startsWith('dbcarts_'))).toBe(true);
  });
});
