// Bulk-loads customer accounts into the users database (load tests, the identity bench, capacity
// checks at 1M accounts). Resumable: kill it and run it again with the same arguments.
//   npm run seed:accounts -w services/users -- --count 1000000 --db-url mysql://root@127.0.0.1:3306/dbcarts_users
// Progress goes to stderr; the last stdout line is one JSON summary.
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { underMigrationLock } from '@dbcarts/db';
import { ScryptPasswordHasher } from './infra/scrypt-password.hasher';
import { createUsersDataSource } from './infra/typeorm/data-source';
import { seedAccounts } from './infra/typeorm/typeorm-account.seeder';
import { SEED_ACCOUNT_PASSWORD } from './app/account-seed.plan';

const USAGE = `usage: seed-accounts [--count N] [--db-url mysql://...] [--password P] [--batch-size N] [--max-batches N]
  --count        accounts customer-1..N@seed.dbcarts.test (default 1000000)
  --db-url       the users database (default: DB_URL); it must exist, migrations run if needed
  --password     the password of every seeded account (default: ${SEED_ACCOUNT_PASSWORD})
  --batch-size   rows per INSERT and transaction (default 5000)
  --max-batches  stop after N batches (a partial load; run again to finish)`;

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value.replaceAll('_', ''));
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${value}`);
  return n;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      count: { type: 'string' },
      'db-url': { type: 'string' },
      password: { type: 'string' },
      'batch-size': { type: 'string' },
      'max-batches': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const url = values['db-url'] ?? process.env.DB_URL;
  if (!url?.startsWith('mysql://')) throw new Error(`--db-url or DB_URL (mysql://...) is required\n${USAGE}`);
  const count = positive('count', values.count, 1_000_000);
  const password = values.password ?? SEED_ACCOUNT_PASSWORD;
  const maxBatches =
    values['max-batches'] === undefined ? undefined : positive('max-batches', values['max-batches'], 1);

  const ds = createUsersDataSource(url);
  await ds.initialize();
  try {
    // As the service does at start: an empty database gets its tables, a racing instance waits its turn.
    await underMigrationLock(ds, () => ds.runMigrations({ transaction: 'each' }));
    const result = await seedAccounts(ds, new ScryptPasswordHasher(), {
      count,
      password,
      batchSize: positive('batch-size', values['batch-size'], 5_000),
      maxBatches,
      onProgress: (p) =>
        console.error(
          `[seed-accounts] ${p.done}/${p.target} (${p.percent.toFixed(1)}%) ${p.rowsPerSecond} rows/s, ${p.written} written`,
        ),
    });
    const note = result.written
      ? `resumed at account ${result.resumedFrom}`
      : `nothing to write: ${result.seeded} seeded accounts present`;
    console.error(`[seed-accounts] ${result.seeded} seeded accounts in ${(result.ms / 1000).toFixed(1)} s (${note})`);
    console.log(JSON.stringify({ count, ...result }));
    if (result.complete || maxBatches !== undefined) return 0;
    console.error('[seed-accounts] incomplete: some seeded emails belong to other accounts; see the rows it skipped');
    return 1;
  } finally {
    await ds.destroy();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(`[seed-accounts] ${err instanceof Error ? err.message : err}`);
    process.exitCode = 1;
  },
);
