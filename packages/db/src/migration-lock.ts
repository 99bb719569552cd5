import type { DataSource } from 'typeorm';
import { withoutQueryBounds } from './query-bounds';

/**
 * Runs `work` (migrations, first seed) under a MariaDB advisory lock, so instances starting together
 * (a rollout, two replicas in a test) take turns instead of racing to create the same tables.
 */
export function underMigrationLock<T>(ds: DataSource, work: () => Promise<T>, timeoutSeconds = 120): Promise<T> {
  // Waiting for the lock and running migrations take longer than a request's query bound allows.
  return withoutQueryBounds(ds, () => lockedWork(ds, work, timeoutSeconds));
}

async function lockedWork<T>(ds: DataSource, work: () => Promise<T>, timeoutSeconds: number): Promise<T> {
  const name = `${ds.options.database ?? 'db'}_migrations`;
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    const [row] = await runner.query('SELECT GET_LOCK(?, ?) AS ok', [name, timeoutSeconds]);
    if (Number(row?.ok) !== 1) throw new Error(`could not take the migration lock within ${timeoutSeconds} s`);
    try {
      return await work();
    } finally {
      await runner.query('SELECT RELEASE_LOCK(?)', [name]);
    }
  } finally {
    await runner.release();
  }
}
