// Lists or replays the orders service's dead letters: deliveries of orders.* that a consumer refused
// as malformed (DROP) or that failed past their retries, kept in the `dead_letters` table. Replay
// puts them back into the outbox under their original topic and event id; the running service's
// relay publishes them within its poll interval, and consumers deduplicate as always.
//   npm run dead-letters -w services/orders -- list   [--db-url mysql://root@127.0.0.1:3306/dbcarts_orders]
//   npm run dead-letters -w services/orders -- replay [--id <event id>] [--db-url ...]
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { listDeadLetters, replayDeadLetters } from '@dbcarts/db';
import { createOrdersDataSource } from './infra/typeorm/data-source';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { 'db-url': { type: 'string' }, id: { type: 'string' } },
  });
  const url = values['db-url'] ?? process.env.DB_URL;
  const command = positionals[0];
  if (!url || (command !== 'list' && command !== 'replay')) {
    console.error('usage: dead-letters list|replay [--id <event id>] [--db-url mysql://.../dbcarts_orders]');
    return 2;
  }
  const ds = createOrdersDataSource(url);
  await ds.initialize();
  try {
    if (command === 'list') {
      for (const l of await listDeadLetters(ds)) {
        console.log(
          `${l.eventId}\t${l.topic}\t${l.receivedAt.toISOString()}\t${l.replayedAt ? 'replayed' : 'waiting'}`,
        );
      }
    } else {
      console.log(JSON.stringify({ replayed: await replayDeadLetters(ds, { eventId: values.id }) }));
    }
    return 0;
  } finally {
    await ds.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
