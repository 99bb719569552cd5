import type { DataSource, QueryRunner } from 'typeorm';
import type { PasswordHasherPort } from '../../app/ports/auth.ports';
import {
  planBatches,
  progress,
  resumePoint,
  SEEDED_ID_RANGE,
  type SeedProgress,
  seededAccountId,
  seededAccountNumber,
  seededEmail,
  seededName,
} from '../../app/account-seed.plan';

export interface SeedAccountsOptions {
  count: number;
  password: string;
  /** Rows per multi-row INSERT, one transaction each. */
  batchSize?: number;
  /** Stop after this many batches: a partial load, or an interrupted run in tests. */
  maxBatches?: number;
  onProgress?: (p: SeedProgress) => void;
  /** Minimum time between progress reports; the first and last batch always report. */
  progressEveryMs?: number;
}

export interface SeedAccountsResult {
  /** Seeded accounts in the database at the end. */
  seeded: number;
  written: number;
  resumedFrom: number;
  complete: boolean;
  ms: number;
}

/** The seeded accounts present: the highest account number and how many, from a PK range (no scan). */
async function census(q: QueryRunner): Promise<{ highest?: number; present: number }> {
  const [row] = await q.query('SELECT MAX(id) AS highest, COUNT(*) AS present FROM users WHERE id BETWEEN ? AND ?', [
    SEEDED_ID_RANGE.low,
    SEEDED_ID_RANGE.high,
  ]);
  return { highest: row?.highest ? seededAccountNumber(row.highest) : undefined, present: Number(row?.present ?? 0) };
}

/**
 * The password hash for this run. Every seeded account shares one hash of the known password: the
 * KDF is paid once, not a million times. A resumed run keeps the hash already stored, so all rows
 * stay identical, and refuses a different password rather than seed a mix nobody can log in with.
 */
async function sharedHash(q: QueryRunner, hasher: PasswordHasherPort, password: string): Promise<string> {
  const [row] = await q.query('SELECT password_hash AS hash FROM users WHERE id BETWEEN ? AND ? LIMIT 1', [
    SEEDED_ID_RANGE.low,
    SEEDED_ID_RANGE.high,
  ]);
  if (!row?.hash) return hasher.hash(password);
  if (await hasher.verify(password, row.hash)) return row.hash;
  throw new Error('this database holds accounts seeded with another password: use that one, or a fresh database');
}

function insertSql(first: number, last: number): string {
  // Values come from the plan's formatters (digits, hex, fixed text): nothing to escape. The hash
  // travels once per connection as @seed_hash instead of once per row.
  const rows: string[] = [];
  for (let n = first; n <= last; n++) {
    rows.push(`('${seededAccountId(n)}','${seededEmail(n)}','${seededName(n)}',@seed_hash,'["customer"]')`);
  }
  return `INSERT IGNORE INTO users (id, email, name, password_hash, roles) VALUES ${rows.join(',')}`;
}

/**
 * Loads `count` customer accounts into a migrated users database, resumably: batches commit in
 * account order on one connection, so a killed run restarts after the last committed batch and
 * INSERT IGNORE absorbs any overlap. Ends with exactly `count` seeded accounts (unless it already held more).
 */
export async function seedAccounts(
  ds: DataSource,
  hasher: PasswordHasherPort,
  opts: SeedAccountsOptions,
): Promise<SeedAccountsResult> {
  const started = Date.now();
  const q = ds.createQueryRunner();
  await q.connect();
  try {
    const before = await census(q);
    const { next } = resumePoint(before.highest, before.present);
    const batches = planBatches(next, opts.count, opts.batchSize ?? 5_000).slice(0, opts.maxBatches ?? undefined);
    let written = 0;
    let done = before.present;
    if (batches.length) {
      await q.query('SET @seed_hash = ?', [await sharedHash(q, hasher, opts.password)]);
      const t0 = Date.now();
      let lastReport = 0;
      for (const [i, b] of batches.entries()) {
        await q.startTransaction();
        try {
          const res = await q.query(insertSql(b.first, b.last));
          await q.commitTransaction();
          written += Number(res?.affectedRows ?? 0);
          done += Number(res?.affectedRows ?? 0);
        } catch (e) {
          await q.rollbackTransaction().catch(() => undefined);
          throw e;
        }
        const now = Date.now();
        if (i === 0 || i === batches.length - 1 || now - lastReport >= (opts.progressEveryMs ?? 1_000)) {
          lastReport = now;
          opts.onProgress?.(progress(Math.min(done, opts.count), opts.count, written, now - t0));
        }
      }
    }
    const after = batches.length ? await census(q) : before;
    return {
      seeded: after.present,
      written,
      resumedFrom: next,
      complete: after.present >= opts.count && (after.highest ?? 0) >= opts.count,
      ms: Date.now() - started,
    };
  } finally {
    await q.release();
  }
}
