import { gauge } from '@dbcarts/metrics';
import type { CheckoutQueue } from './checkout-queue';

/**
 * The checkout queue's figures as Prometheus gauges (the ops board had them, dashboards did not):
 * read from the queue at scrape time, nothing on the request path.
 */
export function exportCheckoutQueueMetrics(queue: Pick<CheckoutQueue, 'stats'>): void {
  gauge<'state'>({
    name: 'gateway_checkout_queue',
    help: "This gateway's checkout queue: orders waiting, in flight, and completions a second (smoothed)",
    labelNames: ['state'],
    collect() {
      const s = queue.stats;
      this.set({ state: 'waiting' }, s.waiting);
      this.set({ state: 'in_flight' }, s.running);
      this.set({ state: 'completions_per_second' }, s.ratePerSecond);
    },
  });
}
