import { appendToOutbox, isDuplicateKey } from '@dbcarts/db';
import type { DataSource, EntityManager } from 'typeorm';
import type {
  NewPayment,
  OutboxEvent,
  PaymentChange,
  PaymentRepositoryPort,
  RefundOutcome,
  StepOutcome,
} from '../../app/ports/payment.repository.port';
import type { Journal } from '../../domain/ledger';
import type { Payment, Step } from '../../domain/payment';
import type { Refund } from '../../domain/refund';
import {
  affected,
  journalInsert,
  PAYMENT_COLUMNS,
  type PaymentRow,
  REFUND_COLUMNS,
  type RefundRow,
  toPayment,
  toRefund,
} from './payment.rows';

const PUBSUB = 'pubsub';
// Leases are compared with the database's clock only (NOW(3)), never an instance's: two instances
// with skewed clocks still agree on whether a step's lease has run out.
const LEASE = 'DATE_ADD(NOW(3), INTERVAL ? MICROSECOND)';

export class TypeormPaymentRepository implements PaymentRepositoryPort {
  /** `committed` runs after a transaction that appended events commits (wakes the outbox relay). */
  constructor(
    private readonly ds: DataSource,
    private readonly committed: () => void = () => undefined,
  ) {}

  async find(orderId: string): Promise<Payment | undefined> {
    return this.findWith(this.ds.manager, orderId);
  }

  async createClaimed(p: NewPayment, leaseMs: number): Promise<Payment | undefined> {
    try {
      await this.ds.query(
        `INSERT INTO payments (order_id, customer_id, provider, currency, amount, request_hash, status, step,
          attempt, lease_until, provider_reached)
         VALUES (?, ?, ?, ?, ?, ?, 'pending', 'authorize', 1, ${LEASE}, 1)`,
        [p.orderId, p.customerId, p.provider, p.currency, p.amount, p.requestHash, leaseMs * 1000],
      );
    } catch (e) {
      if (isDuplicateKey(e)) return undefined;
      throw e;
    }
    const now = new Date();
    return {
      ...p,
      status: 'pending',
      captured: 0,
      refunded: 0,
      refundReserved: 0,
      step: 'authorize',
      attempt: 1,
      inFlight: true,
      providerReached: true,
      createdAt: now,
      updatedAt: now,
    };
  }

  async createCancelled(orderId: string): Promise<boolean> {
    try {
      await this.ds.query(
        `INSERT INTO payments (order_id, customer_id, provider, currency, amount, request_hash, status)
         VALUES (?, '', '', 'XXX', 0, '', 'cancelled')`,
        [orderId],
      );
      return true;
    } catch (e) {
      if (isDuplicateKey(e)) return false;
      throw e;
    }
  }

  async claim(p: Payment, step: Step, leaseMs: number): Promise<Payment | undefined> {
    // The attempt read is the compare-and-set: any claim since then bumped it, so of concurrent
    // claimers exactly one matches. A live lease (someone at the provider) is never taken over.
    const result = await this.ds.query(
      `UPDATE payments SET step = ?, attempt = attempt + 1, lease_until = ${LEASE},
         provider_reached = IF(? = 'authorize', 1, provider_reached)
       WHERE order_id = ? AND attempt = ? AND (step IS NULL OR lease_until < NOW(3))`,
      [step, leaseMs * 1000, step, p.orderId, p.attempt],
    );
    if (affected(result) !== 1) return undefined;
    return {
      ...p,
      step,
      attempt: p.attempt + 1,
      inFlight: true,
      providerReached: p.providerReached || step === 'authorize',
    };
  }

  async remember(claimed: Payment, ref: string): Promise<boolean> {
    const result = await this.ds.query(
      'UPDATE payments SET provider_ref = ? WHERE order_id = ? AND attempt = ? AND step = ?',
      [ref, claimed.orderId, claimed.attempt, claimed.step],
    );
    return affected(result) === 1;
  }

  async finish(claimed: Payment, outcome: StepOutcome): Promise<boolean> {
    const { sets, params } = changeSql(outcome.change);
    const done = await this.booked(async (m) => {
      // Fenced by attempt and step: a caller whose lease was taken over changes nothing.
      const result = await m.query(
        `UPDATE payments SET ${[...sets, 'step = NULL', 'lease_until = NULL'].join(', ')}
         WHERE order_id = ? AND attempt = ? AND step = ?`,
        [...params, claimed.orderId, claimed.attempt, claimed.step],
      );
      if (affected(result) !== 1) return false;
      return this.book(m, outcome.journal, outcome.events);
    });
    if (done && outcome.events?.length) this.committed();
    return done;
  }

  async findRefund(orderId: string, refundId: string): Promise<Refund | undefined> {
    const rows: RefundRow[] = await this.ds.query(
      `SELECT ${REFUND_COLUMNS} FROM refunds WHERE order_id = ? AND refund_id = ?`,
      [orderId, refundId],
    );
    return rows[0] && toRefund(rows[0]);
  }

  async createRefund(
    orderId: string,
    refundId: string,
    amount: number,
    leaseMs: number,
  ): Promise<Refund | 'exists' | 'exceeds'> {
    try {
      return await this.ds.transaction(async (m) => {
        // The payment row first: its lock orders concurrent refunds of one order (no deadlock), and
        // the condition is the invariant: never reserve more than is left of the capture.
        const reserved = await m.query(
          `UPDATE payments SET refund_reserved = refund_reserved + ?
           WHERE order_id = ? AND status IN ('captured', 'partially_refunded') AND captured - refund_reserved >= ?`,
          [amount, orderId, amount],
        );
        if (affected(reserved) !== 1) return 'exceeds' as const;
        await m.query(
          `INSERT INTO refunds (order_id, refund_id, amount, status, attempt, lease_until)
           VALUES (?, ?, ?, 'pending', 1, ${LEASE})`,
          [orderId, refundId, amount, leaseMs * 1000],
        );
        return { orderId, refundId, amount, status: 'pending' as const, attempt: 1, inFlight: true };
      });
    } catch (e) {
      if (isDuplicateKey(e)) return 'exists'; // rolled back: the reservation with it
      throw e;
    }
  }

  async claimRefund(r: Refund, leaseMs: number): Promise<Refund | undefined> {
    const result = await this.ds.query(
      `UPDATE refunds SET attempt = attempt + 1, lease_until = ${LEASE}
       WHERE order_id = ? AND refund_id = ? AND attempt = ? AND status = 'pending'
         AND (lease_until IS NULL OR lease_until < NOW(3))`,
      [leaseMs * 1000, r.orderId, r.refundId, r.attempt],
    );
    return affected(result) === 1 ? { ...r, attempt: r.attempt + 1, inFlight: true } : undefined;
  }

  async finishRefund(claimed: Refund, outcome: RefundOutcome): Promise<boolean> {
    const fence = [claimed.orderId, claimed.refundId, claimed.attempt];
    const where = `WHERE order_id = ? AND refund_id = ? AND attempt = ? AND status = 'pending'`;
    if (outcome.status === 'unanswered') {
      // Still pending, reservation kept (the provider may have refunded): the lease ends now so a retry takes over.
      return affected(await this.ds.query(`UPDATE refunds SET lease_until = NULL ${where}`, fence)) === 1;
    }
    let events: OutboxEvent[] = [];
    const done = await this.booked(async (m) => {
      if (outcome.status === 'declined') {
        if (affected(await m.query(`UPDATE refunds SET status = 'declined', lease_until = NULL ${where}`, fence)) !== 1)
          return false;
        await m.query('UPDATE payments SET refund_reserved = refund_reserved - ? WHERE order_id = ?', [
          claimed.amount,
          claimed.orderId,
        ]);
        return true;
      }
      const marked = await m.query(
        `UPDATE refunds SET status = 'succeeded', provider_ref = ?, lease_until = NULL ${where}`,
        [outcome.providerRef, ...fence],
      );
      if (affected(marked) !== 1) return false;
      // status before refunded: MariaDB assigns left to right, so this compares the old sum plus this refund.
      await m.query(
        `UPDATE payments SET status = IF(refunded + ? >= captured, 'refunded', 'partially_refunded'),
           refunded = refunded + ? WHERE order_id = ?`,
        [claimed.amount, claimed.amount, claimed.orderId],
      );
      const after = await this.findWith(m, claimed.orderId);
      if (!after) throw new Error(`payment ${claimed.orderId} vanished during a refund`);
      events = outcome.events(after);
      return this.book(m, outcome.journal, events);
    });
    if (done && events.length) this.committed();
    return done;
  }

  /**
   * A step's transaction. The ledger's unique key refusing a journal means the step was booked
   * already (the fence should make that impossible): nothing of this one is kept, the caller re-reads.
   */
  private async booked(work: (m: EntityManager) => Promise<boolean>): Promise<boolean> {
    try {
      return await this.ds.transaction(work);
    } catch (e) {
      if (isDuplicateKey(e)) return false;
      throw e;
    }
  }

  private async findWith(m: EntityManager, orderId: string): Promise<Payment | undefined> {
    const rows: PaymentRow[] = await m.query(`SELECT ${PAYMENT_COLUMNS} FROM payments WHERE order_id = ?`, [orderId]);
    return rows[0] && toPayment(rows[0]);
  }

  /** The journal and the events of a step, inside the step's transaction. */
  private async book(m: EntityManager, journal?: Journal, events?: OutboxEvent[]): Promise<boolean> {
    if (journal) {
      const { sql, params } = journalInsert(journal);
      await m.query(sql, params); // a second booking of the same step fails the whole transaction
    }
    if (events?.length) {
      await appendToOutbox(
        m,
        events.map((e) => ({ id: e.id, pubsub: PUBSUB, topic: e.topic, data: e.data })),
      );
    }
    return true;
  }
}

function changeSql(c: PaymentChange): { sets: string[]; params: unknown[] } {
  const sets: string[] = [];
  const params: unknown[] = [];
  const set = (column: string, value: unknown) => {
    sets.push(`${column} = ?`);
    params.push(value);
  };
  if (c.status !== undefined) set('status', c.status);
  if (c.providerRef !== undefined) set('provider_ref', c.providerRef);
  if (c.captured !== undefined) set('captured', c.captured);
  if (c.providerReached !== undefined) set('provider_reached', c.providerReached ? 1 : 0);
  if (c.declineCode !== undefined) set('decline_code', c.declineCode);
  return { sets, params };
}
