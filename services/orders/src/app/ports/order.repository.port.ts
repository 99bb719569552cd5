import type { Order, OrderLine, SagaStep } from '../../domain/order';
import type { OrderEvent, OrderEventTopic } from '../../../contract';

/** The stored answer of an idempotent request, replayed as it was. */
export interface StoredResponse {
  status: number;
  body: unknown;
}

/** What begin() found for (customer, key). */
export type IdempotencyClaim =
  | { kind: 'new' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'in_progress' }
  | { kind: 'reused' };

/** Where a request under an Idempotency-Key stands: answered (its stored answer) or still running. */
export type KeyState = { state: 'answered'; response: StoredResponse } | { state: 'in_progress' };

/**
 * Orders, their saga progress, idempotency keys and the outbox, in one database so each change
 * and its event (and the idempotent answer) commit together.
 */
export interface OrderRepositoryPort {
  /**
   * Claims an Idempotency-Key for a new request (unique per customer: of concurrent duplicates one
   * wins), or says what the first request with it left.
   */
  claimKey(customerId: string, key: string, requestHash: string, orderId: string): Promise<IdempotencyClaim>;
  /**
   * Forgets a claim whose request did nothing (a retry with the key starts afresh); a claim whose
   * order exists is kept (its answer comes from the saga or the recovery sweep).
   */
  releaseKey(customerId: string, key: string): Promise<void>;
  /** Where the request under (customer, key) stands; undefined when no request used the key. */
  keyState(customerId: string, key: string): Promise<KeyState | undefined>;
  /** Stores the answer for a key (outside a saga transition, e.g. a validation refusal). */
  completeKey(customerId: string, key: string, response: StoredResponse): Promise<void>;

  /**
   * Claims the key for a new pending order (saga step `reserving`) and inserts the order, in one
   * transaction; when the key is taken, says what the first request with it left and inserts nothing.
   */
  createClaimed(order: Order, key: string, requestHash: string): Promise<IdempotencyClaim>;
  /**
   * The order, looked up on its customer's shard when the caller knows the customer (a customer's
   * request, an event); without it (an admin's request by order id) on every shard.
   */
  find(id: string, customerId?: string): Promise<Order | undefined>;
  /**
   * Saves the order only if its saga is still at `expectedStep` (the recovery sweep or another
   * request may have taken it over): false when it is not. Events and the idempotent answer of the
   * request that created it (when given) commit in the same transaction. Lines are written only
   * when `linesChanged` says so (a saga step rarely changes them).
   */
  saveIf(
    order: Order,
    expectedStep: SagaStep,
    effects?: { events?: OrderEventTopic[]; idempotentResponse?: StoredResponse; linesChanged?: boolean },
  ): Promise<boolean>;
  /**
   * Saves a lifecycle change (confirmed → shipped...) only if the order is still at `expectedVersion`,
   * with its events; false when another change got there first.
   */
  saveVersion(
    order: Order,
    expectedVersion: number,
    events: OrderEventTopic[],
    eventExtra?: Partial<OrderEvent>,
  ): Promise<boolean>;
  /** Pending orders whose saga has not moved for `staleSeconds` (a crashed or stuck request). */
  stalePending(staleSeconds: number, limit: number): Promise<Order[]>;
}

export type { Order, OrderLine };
