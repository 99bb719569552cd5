import { isDeadlock, isDuplicateKey } from '@dbcarts/db';
import type { DataSource, EntityManager } from 'typeorm';
import type { IdempotencyPort, IdempotentRun, OnceTx, StoredAnswer } from '../../app/ports/after-sales.ports';
import { AlreadyRegisteredError, IdempotencyKeyReusedError } from '../../domain/after-sales.errors';
import type { CaseMessage, SupportCase } from '../../domain/support-case';
import type { WarrantyClaim, WarrantyRegistration } from '../../domain/warranty';
import { type RegistrationRow, toRegistration } from './rows';

interface KeyRow {
  request_hash: string;
  response_status: number;
  response_body: string;
}

/**
 * Idempotency-Keys held in the same transaction as the work they answer: the key's row is inserted
 * first, so a concurrent duplicate's insert waits on it (InnoDB's lock on the primary key) and, once
 * the first commits, fails as a duplicate and replays the committed answer. There is no window in
 * which a key is taken but its answer missing, so no "in progress" state to expire: 20 concurrent
 * requests under one key make one registration (test/after-sales.int.test.ts counts the rows).
 */
export class SqlIdempotencyStore implements IdempotencyPort {
  constructor(
    private readonly ds: DataSource,
    private readonly wake: () => void = () => undefined,
  ) {}

  async earlier(run: IdempotentRun): Promise<StoredAnswer | undefined> {
    const [row] = (await this.ds.query(
      'SELECT request_hash, response_status, response_body FROM idempotency_keys WHERE customer_id = ? AND idem_key = ?',
      [run.customerId, run.key],
    )) as KeyRow[];
    return row ? this.answerOf(run, row) : undefined;
  }

  async once(run: IdempotentRun, work: (tx: OnceTx) => Promise<StoredAnswer>) {
    for (let attempt = 0; ; attempt++) {
      try {
        const answer = await this.ds.transaction(async (m) => {
          await m.query(
            `INSERT INTO idempotency_keys (customer_id, idem_key, request_hash, response_status, response_body, created_at)
             VALUES (?, ?, ?, 0, '', ?)`,
            [run.customerId, run.key, run.hash, new Date()],
          );
          const a = await work(new SqlOnceTx(m));
          await m.query(
            'UPDATE idempotency_keys SET response_status = ?, response_body = ? WHERE customer_id = ? AND idem_key = ?',
            [a.status, JSON.stringify(a.body), run.customerId, run.key],
          );
          return a;
        });
        this.wake();
        return { answer, replayed: false };
      } catch (e) {
        // Waiters behind a first request that rolled back may deadlock among themselves: try again.
        if (isDeadlock(e) && attempt < 3) continue;
        if (!isDuplicateKey(e) || !String((e as Error).message).includes('PRIMARY')) throw e;
        const earlier = await this.earlier(run);
        if (earlier) return { answer: earlier, replayed: true };
        if (attempt >= 3) throw e;
      }
    }
  }

  /**
   * Forgets the keys stored before `before` (the contract keeps an answer replayable for at least
   * 24 h), a bounded batch per statement so no sweep holds locks on a big range at once. Returns how
   * many went. Replicas sweeping at once only delete the same rows.
   */
  async sweep(before: Date, batch = 1000): Promise<number> {
    let total = 0;
    for (;;) {
      const r = (await this.ds.query('DELETE FROM idempotency_keys WHERE created_at < ? ORDER BY created_at LIMIT ?', [
        before,
        batch,
      ])) as { affectedRows?: number };
      total += r.affectedRows ?? 0;
      if ((r.affectedRows ?? 0) < batch) return total;
    }
  }

  private answerOf(run: IdempotentRun, row: KeyRow): StoredAnswer {
    if (row.request_hash !== run.hash) throw new IdempotencyKeyReusedError();
    return { status: Number(row.response_status), body: JSON.parse(row.response_body) };
  }
}

class SqlOnceTx implements OnceTx {
  constructor(private readonly m: EntityManager) {}

  async registrationFor(customerId: string, orderId: string, sku: string): Promise<WarrantyRegistration | undefined> {
    const [row] = (await this.m.query(
      'SELECT * FROM warranty_registrations WHERE customer_id = ? AND order_id = ? AND sku = ? FOR UPDATE',
      [customerId, orderId, sku],
    )) as RegistrationRow[];
    return row ? toRegistration(row) : undefined;
  }

  async insertRegistration(r: WarrantyRegistration): Promise<void> {
    try {
      await this.m.query(
        `INSERT INTO warranty_registrations (id, customer_id, customer_email, order_id, sku, product_name, department,
           months, delivered_at, covers_until, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          r.id,
          r.customerId,
          r.customerEmail,
          r.orderId,
          r.sku,
          r.productName,
          r.department,
          r.months,
          r.deliveredAt,
          r.coversUntil,
          r.createdAt,
        ],
      );
    } catch (e) {
      // Two keys registering one line at once: the unique line key decides, the loser is told so.
      if (isDuplicateKey(e)) throw new AlreadyRegisteredError(r.orderId, r.sku, '');
      throw e;
    }
  }

  async insertClaim(c: WarrantyClaim): Promise<void> {
    await this.m.query(
      `INSERT INTO warranty_claims (id, registration_id, customer_id, status, resolution, description, history, version,
         created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        c.id,
        c.registrationId,
        c.customerId,
        c.status,
        c.resolution,
        c.description,
        JSON.stringify(c.history),
        c.version,
        c.createdAt,
        c.updatedAt,
      ],
    );
  }

  async insertCase(c: SupportCase, first: CaseMessage): Promise<void> {
    await this.m.query(
      `INSERT INTO support_cases (id, customer_id, customer_email, subject, order_id, sku, status, version, created_at,
         updated_at, first_response_at, resolved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        c.id,
        c.customerId,
        c.customerEmail,
        c.subject,
        c.orderId,
        c.sku,
        c.status,
        c.version,
        c.createdAt,
        c.updatedAt,
        c.firstResponseAt,
        c.resolvedAt,
      ],
    );
    await insertMessage(this.m, c.id, first);
  }
}

export function insertMessage(m: EntityManager, caseId: string, msg: CaseMessage): Promise<unknown> {
  return m.query('INSERT INTO support_messages (case_id, author, author_id, body, created_at) VALUES (?, ?, ?, ?, ?)', [
    caseId,
    msg.author,
    msg.authorId,
    msg.body,
    msg.at,
  ]);
}
