import { appendToOutbox, isDuplicateKey } from '@dbcarts/db';
import type { DataSource, EntityManager } from 'typeorm';
import type {
  CallEnd,
  CallStart,
  ClaimedPayment,
  ClaimedRefund,
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
import { affected, BROADCAST, journalInsert, PAYMENT_COLUMNS, type PaymentRow, toPayment } from './payment.rows';
import { logCallEnd, logCallStart } from './provider-calls.sql';
import { claimRefund, createRefund, finishRefund, findRefund } from './typeorm-refund.operations';

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

  /** With the customer on its shard; without (the API names the order only) on every shard. */
  async find(orderId: string, customerId?: string): Promise<Payment | undefined> {
    return this.findWith(this.ds.manager, orderId, customerId);
  }

  async createClaimed(p: NewPayment, leaseMs: number, call: CallStart): Promise<ClaimedPayment | undefined> {
    let callId: string;
    try {
      callId = await this.ds.transaction(async (m) => {
        await m.query(
          `INSERT INTO payments (order_id, customer_id, provider, currency, amount, request_hash, status, step,
            attempt, lease_until, provider_reached)
           VALUES (?, ?, ?, ?, ?, ?, 'pending', 'authorize', 1, ${LEASE}, 1)`,
          [p.orderId, p.customerId, p.provider, p.currency, p.amount, p.requestHash, leaseMs * 1000],
        );
        return logCallStart(m, p, 1, call);
      });
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
      callId,
    };
  }

  async createCancelled(orderId: string, customerId = ''): Promise<boolean> {
    try {
      await this.ds.query(
        `INSERT INTO payments (order_id, customer_id, provider, currency, amount, request_hash, status)
         VALUES (?, ?, '', 'XXX', 0, '', 'cancelled')`,
        [orderId, customerId],
      );
      return true;
    } catch (e) {
      if (isDuplicateKey(e)) return false;
      throw e;
    }
  }

  async claim(p: Payment, step: Step, leaseMs: number, call?: CallStart): Promise<ClaimedPayment | undefined> {
    const attempt = p.attempt + 1;
    const callId = await this.ds.transaction(async (m) => {
      // The attempt and status read are the compare-and-set: any claim since then bumped the attempt,
      // so of concurrent claimers exactly one matches; a provider's webhook moves the status without
      // claiming (a void applied between this read and the claim once let a capture book on top of
      // it: tests/faults/webhook-redelivery.fault.test.ts). A live lease is never taken over.
      const result = await m.query(
        `UPDATE payments SET step = ?, attempt = attempt + 1, lease_until = ${LEASE},
           provider_reached = IF(? = 'authorize', 1, provider_reached)
         WHERE customer_id = ? AND order_id = ? AND attempt = ? AND status = ? AND (step IS NULL OR lease_until < NOW(3))`,
        [step, leaseMs * 1000, step, p.customerId, p.orderId, p.attempt, p.status],
      );
      if (affected(result) !== 1) return null;
      return call ? logCallStart(m, p, attempt, call) : undefined;
    });
    if (callId === null) return undefined;
    return {
      ...p,
      step,
      attempt,
      inFlight: true,
      providerReached: p.providerReached || step === 'authorize',
      callId,
    };
  }

  async remember(claimed: Payment, ref: string): Promise<boolean> {
    const result = await this.ds.query(
      'UPDATE payments SET provider_ref = ? WHERE customer_id = ? AND order_id = ? AND attempt = ? AND step = ?',
      [ref, claimed.customerId, claimed.orderId, claimed.attempt, claimed.step],
    );
    return affected(result) === 1;
  }

  async finish(claimed: ClaimedPayment, outcome: StepOutcome, call?: CallEnd): Promise<Payment | undefined> {
    const { sets, params } = changeSql(outcome.change);
    const after = await this.booked(async (m) => {
      // Fenced by attempt and step: a caller whose lease was taken over changes nothing.
      const result = await m.query(
        `UPDATE payments SET ${[...sets, 'step = NULL', 'lease_until = NULL'].join(', ')}
         WHERE customer_id = ? AND order_id = ? AND attempt = ? AND step = ?`,
        [...params, claimed.customerId, claimed.orderId, claimed.attempt, claimed.step],
      );
      if (affected(result) !== 1) return undefined;
      await this.book(m, claimed.customerId, outcome.journal, outcome.events);
      await logCallEnd(m, claimed.customerId, claimed.callId, call);
      // Read back in the transaction: the answer is the row as committed (timestamps included).
      return this.findWith(m, claimed.orderId, claimed.customerId);
    });
    if (after && outcome.events?.length) this.committed();
    return after;
  }

  findRefund(p: Payment, refundId: string): Promise<Refund | undefined> {
    return findRefund(this.ds, p, refundId);
  }

  createRefund(p: Payment, refundId: string, amount: number, leaseMs: number, call: CallStart) {
    return createRefund(this.ds, { customerId: p.customerId, orderId: p.orderId, refundId, amount, leaseMs, call });
  }

  claimRefund(r: Refund, leaseMs: number, call: CallStart): Promise<ClaimedRefund | undefined> {
    return claimRefund(this.ds, r, leaseMs, call);
  }

  async finishRefund(claimed: ClaimedRefund, outcome: RefundOutcome, call: CallEnd): Promise<boolean> {
    let events = 0;
    const done = await this.booked((m) =>
      finishRefund(m, claimed, outcome, call, async (journal, after) => {
        const list = outcome.status === 'succeeded' ? outcome.events(after) : [];
        events = list.length;
        await this.book(m, claimed.customerId, journal, list);
      }),
    );
    if (done && events) this.committed();
    return done ?? false;
  }

  /**
   * A step's transaction. The ledger's unique key refusing a journal means the step was booked
   * already (the fence should make that impossible): nothing of this one is kept, the caller re-reads.
   */
  private async booked<T>(work: (m: EntityManager) => Promise<T>): Promise<T | undefined> {
    try {
      return await this.ds.transaction(work);
    } catch (e) {
      if (isDuplicateKey(e)) return undefined;
      throw e;
    }
  }

  private async findWith(m: EntityManager, orderId: string, customerId?: string): Promise<Payment | undefined> {
    const rows: PaymentRow[] =
      customerId === undefined
        ? await m.query(`${BROADCAST.byOrderId} SELECT ${PAYMENT_COLUMNS} FROM payments WHERE order_id = ?`, [orderId])
        : await m.query(`SELECT ${PAYMENT_COLUMNS} FROM payments WHERE customer_id = ? AND order_id = ?`, [
            customerId,
            orderId,
          ]);
    return rows[0] && toPayment(rows[0]);
  }

  /** The journal and the events of a step, inside the step's transaction. */
  private async book(m: EntityManager, customerId: string, journal?: Journal, events?: OutboxEvent[]): Promise<void> {
    if (journal) {
      const { sql, params } = journalInsert(journal, customerId);
      await m.query(sql, params); // a second booking of the same step fails the whole transaction
    }
    if (events?.length) {
      await appendToOutbox(
        m,
        events.map((e) => ({ id: e.id, pubsub: PUBSUB, topic: e.topic, data: e.data })),
        { shardKey: { column: 'customer_id', value: customerId } },
      );
    }
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
  if (c.captureRef !== undefined) set('capture_ref', c.captureRef);
  if (c.captured !== undefined) set('captured', c.captured);
  if (c.providerReached !== undefined) set('provider_reached', c.providerReached ? 1 : 0);
  if (c.declineCode !== undefined) set('decline_code', c.declineCode);
  return { sets, params };
}
