import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectAllHeld, runCheckoutScenario } from './support/checkout-scenario';
import { type FaultStack, startFaultStack } from './support/fault-stack';
import type { Check } from './support/report';

// Scenario 6: consumers that fail on some messages, during a burst of checkouts.
//  - Real events whose consumer throws: the invoices table is locked for 6 s, so the invoice
//    consumer's insert times out and throws → RETRY → the broker redelivers until it succeeds.
//  - Poison messages (an orders.confirmed that can never parse), interleaved with the real ones:
//    DROP → the dead-letter topic → kept once each in `dead_letters`.
// Then the documented command (`npm run dead-letters -w services/orders -- replay`) puts the dead
// letters back; they are republished under their ids, and nothing is applied twice.
const MARIADB_URL = process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306';
const POISON = 10;
const LOCK_MS = 6000;
let fs: FaultStack;

beforeAll(async () => {
  fs = await startFaultStack({
    apps: ['users', 'catalog', 'inventory', 'payments', 'promotions', 'orders', 'gateway'],
    appEnv: {
      catalog: { SEED_CATALOG_PRODUCTS: '5' },
      gateway: { RATE_LIMIT_PER_MINUTE: '100000000', REGISTRATIONS_PER_IP_PER_HOUR: '1000' },
    },
  });
}, 240_000);
afterAll(() => fs?.stop());

describe('fault 6: a consumer that throws on some messages; poison dead-lettered and replayed', () => {
  it('thrown deliveries are redelivered and applied once; poison is kept once and replayed by the command', async () => {
    const poison = Array.from({ length: POISON }, () => `poison-${randomUUID()}`);
    const ordersLog = join(fs.stack.stack.logDir, 'orders.log');
    const { result } = await runCheckoutScenario(fs, {
      scenario: '6 consumer throws; poison dead-lettered, replayed',
      injection: `invoices locked ${LOCK_MS / 1000} s (consumer throws → RETRY); ${POISON} malformed events; dead-letters replay`,
      orders: 40,
      concurrency: 6,
      spreadMs: 10_000,
      onHand: 30,
      settleMs: 60_000,
      fault: async () => {
        const lock = await mysql.createConnection(MARIADB_URL);
        try {
          await new Promise((r) => setTimeout(r, 2000));
          await lock.query(`LOCK TABLES \`${fs.ordersDb}\`.invoices WRITE`);
          for (const [i, id] of poison.entries()) {
            await fs.stack.sidecar('orders').publish('pubsub', 'orders.confirmed', { nonsense: i }, { id });
            await new Promise((r) => setTimeout(r, LOCK_MS / POISON));
          }
          await lock.query('UNLOCK TABLES');
        } finally {
          await lock.end();
        }
      },
      extra: async () => {
        const kept = async () =>
          fs.sql<{ event_id: string; replayed_at: Date | null }>(
            'SELECT event_id, replayed_at FROM `{orders}`.dead_letters WHERE event_id IN (?)',
            [poison],
          );
        await waitFor(20_000, async () => (await kept()).length === POISON);
        const before = await kept();
        const replay = await deadLetters(['replay', '--db-url', `${MARIADB_URL}/${fs.ordersDb}`]);
        const replayed = JSON.parse(replay.trim().split('\n').at(-1) as string).replayed as number;
        // Republished by the running relay, refused again by the consumer, kept (still once) as replayed.
        await waitFor(20_000, async () => {
          const [o] = await fs.sql<{ n: number }>('SELECT COUNT(*) AS n FROM `{orders}`.outbox');
          return Number(o?.n) === 0;
        });
        const after = await kept();
        const failures = readFileSync(ordersLog, 'utf8')
          .split('\n')
          .filter((l) => l.includes('asking for redelivery'));
        const check: Check = {
          ok:
            before.length === POISON &&
            replayed === POISON &&
            after.length === POISON &&
            after.every((r) => r.replayed_at !== null) &&
            failures.length > 0,
          detail: `${before.length}/${POISON} poison kept once, ${replayed} replayed, ${failures.length} thrown deliveries redelivered`,
        };
        return { 'event applied once': check };
      },
    });
    expectAllHeld(result);
  }, 300_000);
});

async function waitFor(ms: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
}

/** The documented operator command, as README gives it. */
function deadLetters(args: string[]): Promise<string> {
  const root = resolve(__dirname, '..', '..');
  return new Promise((res, rej) =>
    execFile(
      'npm',
      ['run', '--silent', 'dead-letters', '-w', 'services/orders', '--', ...args],
      { cwd: root, timeout: 60_000 },
      (err, stdout, stderr) => (err ? rej(new Error(`${err.message}\n${stderr}`)) : res(stdout)),
    ),
  );
}
