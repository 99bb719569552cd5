import { counter, histogram, LATENCY_BUCKETS } from '@dbcarts/metrics';
import type { CloudEvent, DeliveryStatus } from './subscriptions';

const deliveries = counter<'topic' | 'status'>({
  name: 'pubsub_deliveries_total',
  help: 'Pub/sub deliveries answered, by topic and answer (SUCCESS, RETRY, DROP)',
  labelNames: ['topic', 'status'],
});
const handling = histogram<'topic'>({
  name: 'pubsub_handler_duration_seconds',
  help: "Time a topic's handler took per delivery",
  labelNames: ['topic'],
  buckets: LATENCY_BUCKETS,
});
const lag = histogram<'topic'>({
  name: 'pubsub_delivery_lag_seconds',
  help: "Consumer lag: from the event's publish time (CloudEvent time) to its delivery here",
  labelNames: ['topic'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
});

/** Topics are our own subscriptions (a fixed list per service), so the label stays bounded. */
export function recordDelivery(topic: string, status: DeliveryStatus, startedMs: number, event?: CloudEvent): void {
  deliveries.inc({ topic, status });
  handling.observe({ topic }, (performance.now() - startedMs) / 1000);
  const published = event?.time ? Date.parse(event.time) : Number.NaN;
  // Clocks of two hosts: a negative skew is clamped rather than dropped, so the count stays whole.
  if (Number.isFinite(published)) lag.observe({ topic }, Math.max(0, (Date.now() - published) / 1000));
}
