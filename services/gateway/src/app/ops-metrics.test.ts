import { metricsSnapshot } from '@dbcarts/metrics';
import { describe, expect, it } from 'vitest';
import { exportCheckoutQueueMetrics } from './ops-metrics';

describe('checkout queue gauges', () => {
  it('read the queue at scrape time', async () => {
    const stats = { waiting: 7, running: 32, ratePerSecond: 4.5 };
    exportCheckoutQueueMetrics({ stats } as never);
    const read = async () =>
      Object.fromEntries(
        (await metricsSnapshot())
          .filter((s) => s.name === 'dbcarts_gateway_checkout_queue')
          .map((s) => [s.labels.state, s.value]),
      );
    expect(await read()).toEqual({ waiting: 7, in_flight: 32, completions_per_second: 4.5 });
    stats.waiting = 0;
    expect((await read()).waiting).toBe(0);
  });
});
