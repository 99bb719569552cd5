import { BatcherOverloadedError, BatchTimeoutError, ExpiringSet, KeyedBatcher } from '@dbcarts/concurrency';
import type { Sidecar } from '@dbcarts/dapr';
import { DependencyUnavailableError, type Problem, UpstreamProblemError } from '@dbcarts/errors';
import { refusalProblem, toProblem } from '@dbcarts/http';
import type { ReservationDto, ReserveItemRequest, ReserveOutcomeDto } from '../contract';
import { type DecodedOutcome, decodeOutcome, INVENTORY_ACTOR_TYPE, type WireBatchAnswer } from '../contract/actor-wire';
import { refusalKind } from '../src/domain/outcome';
import { InventoryBusyError, UnknownSkuError } from '../src/domain/stock.errors';

export type ReserveResult =
  | { ok: true; reservation: ReservationDto; replayed: boolean }
  | { ok: false; code: string; problem: Problem };

export interface BatchingOptions {
  /** Most reservations in one actor call. */
  maxBatch: number;
  /** Reservations waiting or in flight for one SKU in this process; beyond: INVENTORY.BUSY (503). */
  maxPendingPerSku?: number;
  /** The same over every SKU. */
  maxPending?: number;
  /** A batch without an answer by then fails its callers as a transport failure (retry with the same ids). */
  timeoutMs?: number;
  /**
   * Batches of one SKU in flight at once (default 2): the next leaves while earlier ones travel
   * and the actor still takes them one turn at a time, so a batch's time on the wire and in the
   * sidecars overlaps the turn before it instead of adding to it.
   */
  maxInFlightPerSku?: number;
  /** How long a SKU the inventory service refused as unknown is refused here without asking again. */
  unknownSkuTtlMs?: number;
}

const KNOWN_SKU_TTL_MS = 10 * 60_000;
const REMEMBERED_SKUS = 10_000;

/**
 * Group commit on the caller's side: concurrent reserve() calls for one SKU travel as one call.
 * A SKU this process has not seen accepted yet goes through the inventory service (which asks the
 * catalog whether it exists, so an unknown SKU never activates an actor); once the service accepted
 * a batch for it, later batches go straight to the SKU's actor through the caller's own sidecar (two
 * sidecar hops instead of four). A SKU the service refused as unknown is refused here for a few
 * seconds without leaving the process. Both memories are bounded, as is the queue.
 */
export function createBatchedReserve(
  sidecar: Sidecar,
  appId: string,
  opts: BatchingOptions,
): (sku: string, item: ReserveItemRequest) => Promise<ReserveResult> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const known = new ExpiringSet(KNOWN_SKU_TTL_MS, REMEMBERED_SKUS);
  const unknown = new ExpiringSet(opts.unknownSkuTtlMs ?? 5_000, REMEMBERED_SKUS);

  const direct = async (sku: string, items: ReserveItemRequest[]): Promise<ReserveResult[]> => {
    const answer = await sidecar.invokeActor<WireBatchAnswer>(
      INVENTORY_ACTOR_TYPE,
      sku,
      'reserveBatch',
      { items },
      timeoutMs,
    );
    return answer.outcomes.map((o, i) => fromWire(decodeOutcome(sku, items[i] as ReserveItemRequest, o)));
  };

  const throughService = async (sku: string, items: ReserveItemRequest[]): Promise<ReserveResult[]> => {
    try {
      const res = await sidecar.invokeService<{ outcomes: ReserveOutcomeDto[] }>(appId, 'POST', 'reservations/batch', {
        body: { sku, items },
        timeoutMs,
      });
      known.add(sku);
      return res.body.outcomes.map(fromDto);
    } catch (e) {
      if (e instanceof UpstreamProblemError && e.problem.code === UNKNOWN_SKU) {
        unknown.add(sku);
        return items.map(() => ({ ok: false, code: UNKNOWN_SKU, problem: e.problem }));
      }
      throw e;
    }
  };

  const batcher = new KeyedBatcher<ReserveItemRequest, ReserveResult>(
    (sku, items) => (known.has(sku) ? direct(sku, items) : throughService(sku, items)),
    // The service's batch route takes at most 1000 items (contract ReserveBatchBody).
    Math.min(opts.maxBatch, 1000),
    {
      maxPendingPerKey: opts.maxPendingPerSku ?? 10_000,
      maxPending: opts.maxPending ?? 50_000,
      maxInFlightPerKey: opts.maxInFlightPerSku ?? 2,
      timeoutMs,
    },
  );

  return async (sku, item) => {
    if (unknown.has(sku)) return { ok: false, code: UNKNOWN_SKU, problem: toProblem(new UnknownSkuError(sku)) };
    try {
      return await batcher.submit(sku, item);
    } catch (e) {
      if (e instanceof BatcherOverloadedError) throw new InventoryBusyError(sku, e.message);
      if (e instanceof BatchTimeoutError) throw new DependencyUnavailableError('inventory', e.message);
      throw e;
    }
  };
}

const UNKNOWN_SKU = 'INVENTORY.UNKNOWN_SKU';

function fromWire(d: DecodedOutcome): ReserveResult {
  if (d.ok && d.reservation) return { ok: true, reservation: d.reservation, replayed: d.replayed ?? false };
  const r = d.refusal ?? { code: 'INTERNAL', message: 'no outcome', details: {} };
  // The same problem body a single reservation call would have answered (toProblem of an
  // InventoryRefusal), without an Error per refused item: a sold-out drop refuses most of a batch.
  return {
    ok: false,
    code: r.code,
    problem: refusalProblem(refusalKind(r.code, r.message), r.code, r.message, r.details),
  };
}

function fromDto(o: ReserveOutcomeDto): ReserveResult {
  return o.ok
    ? { ok: true, reservation: o.reservation, replayed: o.replayed }
    : { ok: false, code: o.problem.code, problem: o.problem };
}
