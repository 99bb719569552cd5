import type { DataSource } from 'typeorm';

/**
 * Runs `work` (migrations, first seed) under a MariaDB advisory lock, so instances starting together
 * (a rollout, two replicas in a test) take turns instead of racing to create the same tables.
 */
export async function underMigrationLock<T>(ds: DataSource, work: () => Promise<T>, timeoutSeconds = 120): Promise<T> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    const [row] = await runner.query('SELECT GET_LOCK(?, ?) AS ok', ['dbcarts_catalog_migrations', timeoutSeconds]);
    if (Number(row?.ok) !== 1) throw new Error(`could not take the migration lock within ${timeoutSeconds} s`);
    try {
      return await work();
    } finally {
      await runner.query('SELECT RELEASE_LOCK(?)', ['dbcarts_catalog_migrations']);
    }
  } finally {
    await runner.release();
  }
}
