import { histogram, LATENCY_BUCKETS, SIZE_BUCKETS } from '@dbcarts/metrics';

const batchSize = histogram({
  name: 'inventory_actor_batch_size',
  help: 'Reservations decided in one InventoryItem actor turn (the batching client folds concurrent callers per SKU)',
  buckets: SIZE_BUCKETS,
});
const turnTime = histogram<'method'>({
  name: 'inventory_actor_turn_seconds',
  help: 'Time an InventoryItem actor method took inside its turn (state load, decision, save), by method',
  labelNames: ['method'],
  buckets: LATENCY_BUCKETS,
});

/** Times one actor method; methods are the actor's own (a fixed set), so the label stays bounded. */
export async function timedTurn<T>(method: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    turnTime.observe({ method }, (performance.now() - started) / 1000);
  }
}

export function recordBatch(items: number): void {
  batchSize.observe(items);
}
