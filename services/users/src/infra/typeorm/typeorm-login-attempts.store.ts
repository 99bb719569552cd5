import type { DataSource } from 'typeorm';
import type { LoginAttempt, LoginAttemptsPort, LoginBudget } from '../../app/ports/auth.ports';

// One statement counts the attempt and reports the count it reached: the row lock orders parallel
// attempts, and LAST_INSERT_ID(expr) hands this statement's own count back in the OK packet (a
// SELECT afterwards could see another attempt's count, or a success's reset). The count is capped at
// budget + 1 and the window starts at the first attempt, so refused attempts never extend it. UTC
// throughout: no session time zone or DST shift moves a window.
const COUNT = `INSERT INTO login_attempts (subject, attempts, window_ends)
  VALUES (?, LAST_INSERT_ID(1), UTC_TIMESTAMP(3) + INTERVAL ? SECOND)
  ON DUPLICATE KEY UPDATE
    attempts = LAST_INSERT_ID(IF(window_ends <= UTC_TIMESTAMP(3), 1, LEAST(attempts + 1, ?))),
    window_ends = IF(window_ends <= UTC_TIMESTAMP(3), VALUES(window_ends), window_ends)`;

const RETRY_AFTER = `SELECT GREATEST(1, CEIL(TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(3), window_ends) / 1000000)) AS s
  FROM login_attempts WHERE subject = ?`;

export class TypeormLoginAttemptsStore implements LoginAttemptsPort {
  constructor(private readonly ds: DataSource) {}

  async begin(subject: string, budget: LoginBudget): Promise<LoginAttempt> {
    const counted = await this.ds.query(COUNT, [subject, budget.windowSeconds, budget.attempts + 1]);
    if (Number(counted.insertId) <= budget.attempts) return { admitted: true };
    const [row] = await this.ds.query(RETRY_AFTER, [subject]);
    return { admitted: false, retryAfterSeconds: Math.max(1, Number(row?.s ?? 1)) };
  }

  async clear(subject: string): Promise<void> {
    await this.ds.query('DELETE FROM login_attempts WHERE subject = ?', [subject]);
  }

  /** Deletes rows whose window has passed (unknown emails would otherwise pile up); returns how many. */
  async purgeExpired(limit = 10_000): Promise<number> {
    const res = await this.ds.query('DELETE FROM login_attempts WHERE window_ends < UTC_TIMESTAMP(3) LIMIT ?', [limit]);
    return Number(res?.affectedRows ?? 0);
  }
}
