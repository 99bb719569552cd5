import { connect, type NatsConnection } from 'nats';

/**
 * The subjects our topics live on (a topic is a subject on JetStream): one stream holds them all.
 * Dapr's JetStream component publishes to and consumes from an existing stream; it creates none.
 */
export const JETSTREAM_SUBJECTS = [
  'inventory.>',
  'catalog.>',
  'orders.>',
  'payments.>',
  'invoices.>',
  'shipping.>',
  // after-sales: warranty.claim-decided, support.case-updated
  'warranty.>',
  'support.>',
];

async function withJetStream<T>(url: string, fn: (nc: NatsConnection) => Promise<T>): Promise<T> {
  const nc = await connect({ servers: url, timeout: 5000 });
  try {
    return await fn(nc);
  } finally {
    await nc.close();
  }
}

/**
 * Makes sure `stream` exists over our subjects. A leftover stream of a crashed test run that holds
 * the same subjects (`dbcarts_*`) is removed first: JetStream refuses overlapping streams.
 */
export async function ensureJetStream(url: string, stream: string): Promise<void> {
  await withJetStream(url, async (nc) => {
    const jsm = await nc.jetstreamManager();
    const existing = await jsm.streams.list().next();
    const ours = existing.find((s) => s.config.name === stream);
    if (ours) {
      // A stream made before a subject was added (a new service's topics): widened in place.
      const missing = JETSTREAM_SUBJECTS.filter((subject) => !ours.config.subjects?.includes(subject));
      if (missing.length) await jsm.streams.update(stream, { subjects: [...(ours.config.subjects ?? []), ...missing] });
      return;
    }
    for (const s of existing) {
      const overlaps = s.config.subjects?.some((subject) => JETSTREAM_SUBJECTS.includes(subject));
      if (overlaps && s.config.name.startsWith('dbcarts_')) await jsm.streams.delete(s.config.name);
    }
    await jsm.streams.add({ name: stream, subjects: JETSTREAM_SUBJECTS });
  });
}

export async function deleteJetStream(url: string, stream: string): Promise<void> {
  await withJetStream(url, async (nc) => {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.delete(stream).catch(() => undefined);
  });
}
