/**
 * What the bulk account seeder writes and where a run picks up. Pure: the seeder, its tests and the
 * identity bench derive every account from its number alone, so reruns write the same rows.
 */

// A valid RFC 9562 v4 shape (version 4, variant 8) so the service's uuid checks accept seeded ids;
// the account number in the last group, zero-padded hex, keeps ids in insert order: each batch appends
// to the primary key instead of splitting pages all over it.
const ID_PREFIX = '5eed0000-0000-4000-8000-';
const ID_DIGITS = 12;
export const MAX_SEEDED_ACCOUNTS = 16 ** ID_DIGITS - 1;
export const SEED_EMAIL_DOMAIN = 'seed.dbcarts.test';
/** The known password of seeded accounts unless the seeder is told another: test data, never a real secret. */
export const SEED_ACCOUNT_PASSWORD = 'seeded-customer-password-1';
/** Bounds of every seeded id, for range queries on the primary key (never a scan of other accounts). */
export const SEEDED_ID_RANGE = {
  low: `${ID_PREFIX}${'0'.repeat(ID_DIGITS)}`,
  high: `${ID_PREFIX}${'f'.repeat(ID_DIGITS)}`,
} as const;

export function seededAccountId(n: number): string {
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_SEEDED_ACCOUNTS) throw new RangeError(`no seeded account ${n}`);
  return `${ID_PREFIX}${n.toString(16).padStart(ID_DIGITS, '0')}`;
}

/** The account number of a seeded id, or undefined for any other id. */
export function seededAccountNumber(id: string): number | undefined {
  if (!id.startsWith(ID_PREFIX) || id.length !== ID_PREFIX.length + ID_DIGITS) return undefined;
  const hex = id.slice(ID_PREFIX.length);
  if (!/^[0-9a-f]+$/.test(hex)) return undefined;
  const n = Number.parseInt(hex, 16);
  return n >= 1 ? n : undefined;
}

export const seededEmail = (n: number): string => `customer-${n}@${SEED_EMAIL_DOMAIN}`;
export const seededName = (n: number): string => `Customer ${n}`;

export interface SeedBatch {
  first: number;
  last: number;
}

export interface ResumePoint {
  /** The first account number this run writes. */
  next: number;
  /** Accounts between 1 and `highest` are missing (deleted, or an email already taken): start over at 1. */
  gaps: boolean;
}

/**
 * Batches commit one at a time in account order, so a killed run leaves accounts 1..highest and
 * nothing above: resume right after it. If fewer than `highest` are present, something else removed
 * rows; INSERT IGNORE makes a pass from 1 cheap and fills the holes without duplicating anyone.
 */
export function resumePoint(highest: number | undefined, present: number): ResumePoint {
  if (!highest) return { next: 1, gaps: false };
  return present >= highest ? { next: highest + 1, gaps: false } : { next: 1, gaps: true };
}

/** Batches [next..count] of at most `batchSize` accounts, in order; none when next > count. */
export function planBatches(next: number, count: number, batchSize: number): SeedBatch[] {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError(`bad batch size ${batchSize}`);
  if (count > MAX_SEEDED_ACCOUNTS) throw new RangeError(`at most ${MAX_SEEDED_ACCOUNTS} seeded accounts`);
  const batches: SeedBatch[] = [];
  for (let first = Math.max(1, next); first <= count; first += batchSize) {
    batches.push({ first, last: Math.min(count, first + batchSize - 1) });
  }
  return batches;
}

export interface SeedProgress {
  /** Seeded accounts the database holds now (of `target`). */
  done: number;
  target: number;
  /** Rows this run wrote, and how fast. */
  written: number;
  rowsPerSecond: number;
  percent: number;
}

export function progress(done: number, target: number, written: number, elapsedMs: number): SeedProgress {
  return {
    done,
    target,
    written,
    rowsPerSecond: elapsedMs > 0 ? Math.round((written * 1000) / elapsedMs) : 0,
    percent: target > 0 ? Math.min(100, Math.round((1000 * done) / target) / 10) : 100,
  };
}
