import { appendToOutbox, isDeadlock, isDuplicateKey, type OutboxMessage } from '@dbcarts/db';
import type { DataSource, EntityManager } from 'typeorm';
import type { OrderEvent, OrderEventTopic } from '../../../contract';
import type {
  IdempotencyClaim,
  KeyState,
  OrderRepositoryPort,
  StoredResponse,
} from '../../app/ports/order.repository.port';
import { toOrderEvent } from '../../app/order.view';
import type { Order, OrderLine, SagaStep } from '../../domain/order';

/**
 * The reads that visit every shard on purpose (ShardingSphere scatters a read without the shard key
 * and merges; its auditor refuses only DML without it), each marked in its SQL so the shard-key test
 * (test/shard-key.int.test.ts) can tell them from a forgotten key. Every write names customer_id.
 */
export const BROADCAST = {
  /** An admin (ship, deliver, any order's page) knows the order id only: the row gives the customer. */
  adminById: '/* broadcast: admin reads an order by id */',
  /** Stale pending orders of every customer; each is then moved with keyed statements. */
  recoverySweep: '/* broadcast: recovery sweep finds stale pending orders */',
} as const;

/** An in-progress key whose request left no order after this long was a crash: it may be claimed again. */
const ABANDONED_CLAIM_MS = 60_000;

interface OrderRow {
  id: string;
  customer_id: string;
  customer_email: string;
  status: Order['status'];
  saga_step: SagaStep;
  currency: string;
  subtotal: string | number;
  discount: string | number;
  total: string | number;
  shipping_address: string | object;
  payment_provider: string;
  failure_code: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
  delivered_at: Date | null;
}

interface LineRow {
  line_no: number;
  sku: string;
  name: string;
  quantity: number;
  unit_price: string | number;
  returned: number;
  reservation_id: string;
  department: string | null;
  final_sale: number | null;
}

/**
 * SQL rather than entities: every write here is conditional (on the saga step or the version) and
 * commits together with outbox rows, saga-log rows and the idempotent answer, which plain
 * statements in one transaction say most directly.
 */
export class SqlOrderRepository implements OrderRepositoryPort {
  constructor(
    private readonly ds: DataSource,
    /** Runs after a commit that appended events (wakes the outbox relay). */
    private readonly committed: () => void = () => undefined,
  ) {}

  async claimKey(customerId: string, key: string, requestHash: string, orderId: string): Promise<IdempotencyClaim> {
    return this.claimed(customerId, key, requestHash, async () => {
      await this.ds.query(
        'INSERT INTO idempotency_keys (customer_id, idem_key, request_hash, order_id, created_at) VALUES (?, ?, ?, ?, ?)',
        [customerId, key, requestHash, orderId, new Date()],
      );
    });
  }

  async createClaimed(order: Order, key: string, requestHash: string): Promise<IdempotencyClaim> {
    return this.claimed(order.customerId, key, requestHash, () =>
      this.ds.transaction(async (m) => {
        await m.query(
          'INSERT INTO idempotency_keys (customer_id, idem_key, request_hash, order_id, created_at) VALUES (?, ?, ?, ?, ?)',
          [order.customerId, key, requestHash, order.id, order.createdAt],
        );
        await this.insertOrder(m, order);
      }),
    );
  }

  /** Runs `insert` (which claims the key) and says what an earlier claim left when the key is taken. */
  private async claimed(
    customerId: string,
    key: string,
    requestHash: string,
    insert: () => Promise<void>,
  ): Promise<IdempotencyClaim> {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await insert();
        return { kind: 'new' };
      } catch (e) {
        // A deadlock's victim (concurrent checkouts' inserts into orders) was rolled back whole: the same
        // insert again (test/deadlock-retry.int.test.ts); the last attempt's deadlock is the caller's.
        if (isDeadlock(e) && attempt < 2) continue;
        if (!isDuplicateKey(e)) throw e;
      }
      const [row] = await this.ds.query(
        `SELECT k.request_hash, k.response_status, k.response_body, k.created_at, o.id AS order_exists
         FROM idempotency_keys k LEFT JOIN orders o ON o.customer_id = k.customer_id AND o.id = k.order_id
         WHERE k.customer_id = ? AND k.idem_key = ?`,
        [customerId, key],
      );
      if (!row) continue; // released meanwhile: try to claim again
      if (row.request_hash !== requestHash) return { kind: 'reused' };
      if (row.response_status !== null) {
        return {
          kind: 'replay',
          response: { status: Number(row.response_status), body: JSON.parse(row.response_body) },
        };
      }
      // A claim whose request crashed before it recorded its order: nothing happened under it.
      if (!row.order_exists && Date.now() - new Date(row.created_at).getTime() > ABANDONED_CLAIM_MS) {
        await this.releaseKey(customerId, key);
        continue;
      }
      return { kind: 'in_progress' };
    }
    return { kind: 'in_progress' };
  }

  async keyState(customerId: string, key: string): Promise<KeyState | undefined> {
    const [row] = await this.ds.query(
      'SELECT response_status, response_body FROM idempotency_keys WHERE customer_id = ? AND idem_key = ?',
      [customerId, key],
    );
    if (!row) return undefined;
    if (row.response_status === null) return { state: 'in_progress' };
    return {
      state: 'answered',
      response: { status: Number(row.response_status), body: JSON.parse(row.response_body) },
    };
  }

  async releaseKey(customerId: string, key: string): Promise<void> {
    // Never a key whose order exists: a retry under it must not place a second order.
    await this.ds.query(
      `DELETE k FROM idempotency_keys k LEFT JOIN orders o ON o.customer_id = k.customer_id AND o.id = k.order_id
       WHERE k.customer_id = ? AND k.idem_key = ? AND k.response_status IS NULL AND o.id IS NULL`,
      [customerId, key],
    );
  }

  async completeKey(customerId: string, key: string, response: StoredResponse): Promise<void> {
    await this.ds.query(
      'UPDATE idempotency_keys SET response_status = ?, response_body = ? WHERE customer_id = ? AND idem_key = ?',
      [response.status, JSON.stringify(response.body), customerId, key],
    );
  }

  private async insertOrder(m: EntityManager, order: Order): Promise<void> {
    await m.query(
      `INSERT INTO orders (id, customer_id, customer_email, status, saga_step, currency, subtotal, discount, total,
        shipping_address, payment_provider, failure_code, version, created_at, updated_at, delivered_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        order.id,
        order.customerId,
        order.customerEmail,
        order.status,
        order.sagaStep,
        order.currency,
        order.subtotal,
        order.discount,
        order.total,
        JSON.stringify(order.shippingAddress),
        order.paymentProvider,
        order.failureCode ?? null,
        order.version,
        order.createdAt,
        order.updatedAt,
        order.deliveredAt ?? null,
      ],
    );
    await this.writeLines(m, order, true);
    await this.log(m, order);
  }

  /**
   * The order with its lines. With the customer (a customer's own request, an event, which names
   * it) every read is keyed by it; without (an admin's request, by order id alone) the order row is
   * read on every shard (marked broadcast: ShardingSphere scatters and merges) and its lines then
   * read on its customer's shard.
   */
  async find(id: string, customerId?: string): Promise<Order | undefined> {
    const [row] = (
      customerId === undefined
        ? await this.ds.query(`${BROADCAST.adminById} SELECT * FROM orders WHERE id = ?`, [id])
        : await this.ds.query('SELECT * FROM orders WHERE customer_id = ? AND id = ?', [customerId, id])
    ) as OrderRow[];
    if (!row) return undefined;
    return toOrder(row, await this.lines(row.customer_id, id));
  }

  private async lines(customerId: string, orderId: string): Promise<LineRow[]> {
    return (await this.ds.query('SELECT * FROM order_lines WHERE customer_id = ? AND order_id = ? ORDER BY line_no', [
      customerId,
      orderId,
    ])) as LineRow[];
  }

  async saveIf(
    order: Order,
    expectedStep: SagaStep,
    effects: { events?: OrderEventTopic[]; idempotentResponse?: StoredResponse; linesChanged?: boolean } = {},
  ): Promise<boolean> {
    const saved = await this.ds.transaction(async (m) => {
      if (!(await this.update(m, order, 'saga_step = ? AND status = ?', [expectedStep, 'pending']))) return false;
      if (effects.linesChanged) await this.writeLines(m, order, false);
      await this.log(m, order);
      await this.outbox(m, order, effects.events ?? []);
      if (effects.idempotentResponse) {
        await m.query(
          'UPDATE idempotency_keys SET response_status = ?, response_body = ? WHERE customer_id = ? AND order_id = ?',
          [
            effects.idempotentResponse.status,
            JSON.stringify(effects.idempotentResponse.body),
            order.customerId,
            order.id,
          ],
        );
      }
      return true;
    });
    if (saved && effects.events?.length) this.committed();
    return saved;
  }

  async saveVersion(
    order: Order,
    expectedVersion: number,
    events: OrderEventTopic[],
    eventExtra: Partial<OrderEvent> = {},
  ): Promise<boolean> {
    const saved = await this.ds.transaction(async (m) => {
      if (!(await this.update(m, order, 'version = ?', [expectedVersion]))) return false;
      await this.writeLines(m, order, false);
      await this.log(m, order);
      await this.outbox(m, order, events, eventExtra);
      return true;
    });
    if (saved && events.length) this.committed();
    return saved;
  }

  async stalePending(staleSeconds: number, limit: number): Promise<Order[]> {
    const rows = (await this.ds.query(
      `${BROADCAST.recoverySweep} SELECT * FROM orders WHERE status = 'pending' AND updated_at < ? ORDER BY updated_at LIMIT ?`,
      [new Date(Date.now() - staleSeconds * 1000), limit],
    )) as OrderRow[];
    return Promise.all(rows.map(async (r) => toOrder(r, await this.lines(r.customer_id, r.id))));
  }

  private async update(m: EntityManager, o: Order, guard: string, params: unknown[]): Promise<boolean> {
    const result = await m.query(
      `UPDATE orders SET status = ?, saga_step = ?, currency = ?, subtotal = ?, discount = ?, total = ?,
         failure_code = ?, version = ?, updated_at = ?, delivered_at = ?
       WHERE customer_id = ? AND id = ? AND ${guard}`,
      [
        o.status,
        o.sagaStep,
        o.currency,
        o.subtotal,
        o.discount,
        o.total,
        o.failureCode ?? null,
        o.version,
        o.updatedAt,
        o.deliveredAt ?? null,
        o.customerId,
        o.id,
        ...params,
      ],
    );
    return Number((result as { affectedRows?: number }).affectedRows ?? 0) === 1;
  }

  private async writeLines(m: EntityManager, o: Order, insert: boolean): Promise<void> {
    if (insert) {
      const values = o.lines.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
      await m.query(
        `INSERT INTO order_lines (customer_id, order_id, line_no, sku, name, quantity, unit_price, returned, reservation_id, department, final_sale) VALUES ${values}`,
        o.lines.flatMap((l, n) => [
          o.customerId,
          o.id,
          n,
          l.sku,
          l.name,
          l.quantity,
          l.unitPrice,
          l.returned,
          l.reservationId,
          l.department ?? null,
          l.finalSale ? 1 : 0,
        ]),
      );
      return;
    }
    for (const [n, l] of o.lines.entries()) {
      await m.query(
        'UPDATE order_lines SET unit_price = ?, returned = ? WHERE customer_id = ? AND order_id = ? AND line_no = ?',
        [l.unitPrice, l.returned, o.customerId, o.id, n],
      );
    }
  }

  private log(m: EntityManager, o: Order): Promise<unknown> {
    return m.query('INSERT INTO saga_log (customer_id, order_id, step, status, at) VALUES (?, ?, ?, ?, ?)', [
      o.customerId,
      o.id,
      o.sagaStep,
      o.status,
      o.updatedAt,
    ]);
  }

  private async outbox(m: EntityManager, o: Order, topics: OrderEventTopic[], extra: Partial<OrderEvent> = {}) {
    const messages: OutboxMessage[] = topics.map((topic) => ({
      // One event per order version and topic: a replay of the same change has the same id.
      id: `${o.id}:${o.version}:${topic}`,
      pubsub: 'pubsub',
      topic,
      data: toOrderEvent(o, extra),
    }));
    await appendToOutbox(m, messages, { shardKey: { column: 'customer_id', value: o.customerId } });
  }
}

function toOrder(r: OrderRow, lines: LineRow[]): Order {
  return {
    id: r.id,
    customerId: r.customer_id,
    customerEmail: r.customer_email,
    status: r.status,
    sagaStep: r.saga_step,
    currency: r.currency,
    subtotal: Number(r.subtotal),
    discount: Number(r.discount),
    total: Number(r.total),
    shippingAddress: typeof r.shipping_address === 'string' ? JSON.parse(r.shipping_address) : r.shipping_address,
    paymentProvider: r.payment_provider,
    failureCode: r.failure_code ?? undefined,
    version: Number(r.version),
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
    deliveredAt: r.delivered_at ? new Date(r.delivered_at) : undefined,
    lines: lines.map(
      (l): OrderLine => ({
        sku: l.sku,
        name: l.name,
        quantity: Number(l.quantity),
        unitPrice: Number(l.unit_price),
        returned: Number(l.returned),
        reservationId: l.reservation_id,
        ...(l.department ? { department: l.department } : {}),
        ...(Number(l.final_sale) === 1 ? { finalSale: true } : {}),
      }),
    ),
  };
}
