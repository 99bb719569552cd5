import { KeyedBatcher } from '@dbcarts/concurrency';
import type { Sidecar } from '@dbcarts/dapr';
import { type Problem, UpstreamProblemError } from '@dbcarts/errors';
import { toProblem } from '@dbcarts/http';
import type {
  FlashSaleDto,
  FlashSaleRequest,
  ReservationDto,
  ReserveItemRequest,
  ReserveRequest,
  StockView,
} from '../contract';
import { type DecodedOutcome, decodeOutcome, INVENTORY_ACTOR_TYPE, type WireBatchAnswer } from '../contract/actor-wire';
import { InventoryRefusal } from '../src/domain/outcome';

export type { FlashSaleDto, FlashSaleRequest, ReservationDto, ReserveRequest, StockView } from '../contract';

export const INVENTORY_APP_ID = 'inventory';

export type ReserveResult =
  | { ok: true; reservation: ReservationDto; replayed: boolean }
  | { ok: false; code: string; problem: Problem };

/** The only way other services talk to inventory: Dapr service invocation through their sidecar. */
export interface InventoryClient {
  stock(sku: string): Promise<StockView>;
  setStock(sku: string, onHand: number): Promise<StockView>;
  restock(sku: string, restockId: string, quantity: number): Promise<StockView>;
  /**
   * A refusal (INVENTORY.INSUFFICIENT, FLASH_SALE.LIMIT_EXCEEDED...) is a result, not an exception:
   * callers branch on it. A transport failure throws; retrying with the same reservationId is safe.
   */
  reserve(req: ReserveRequest): Promise<ReserveResult>;
  confirm(sku: string, reservationId: string): Promise<ReservationDto>;
  release(sku: string, reservationId: string): Promise<ReservationDto>;
  startFlashSale(sku: string, sale: FlashSaleRequest): Promise<FlashSaleDto>;
  flashSale(sku: string): Promise<FlashSaleDto | null>;
  activeFlashSales(): Promise<FlashSaleDto[]>;
}

export interface InventoryClientOptions {
  appId?: string;
  /**
   * Group commit on the caller's side: concurrent reserve() calls for one SKU travel as one
   * invocation (one sidecar hop for the lot). Off sends one invocation per reservation.
   */
  batching?: false | { maxBatch: number };
}

export function createInventoryClient(sidecar: Sidecar, opts: InventoryClientOptions = {}): InventoryClient {
  const appId = opts.appId ?? INVENTORY_APP_ID;
  const seg = encodeURIComponent;
  const call = async <T>(method: string, path: string, body?: unknown) =>
    (await sidecar.invokeService<T>(appId, method, path, { body })).body;

  // Batches go straight to the SKU's actor through the caller's own sidecar (placement finds the
  // host): two sidecar hops per batch instead of four, and no inventory HTTP layer in between.
  const batching = opts.batching ?? { maxBatch: 1000 };
  const batcher =
    batching &&
    new KeyedBatcher<ReserveItemRequest, ReserveResult>(async (sku, items) => {
      const answer = await sidecar.invokeActor<WireBatchAnswer>(INVENTORY_ACTOR_TYPE, sku, 'reserveBatch', { items });
      return answer.outcomes.map((o, i) => toResult(decodeOutcome(sku, items[i] as ReserveItemRequest, o)));
    }, batching.maxBatch);

  const single = async (req: ReserveRequest): Promise<ReserveResult> => {
    try {
      const res = await sidecar.invokeService<ReservationDto>(appId, 'POST', 'reservations', { body: req });
      return { ok: true, reservation: res.body, replayed: res.headers.get('idempotent-replayed') === 'true' };
    } catch (e) {
      if (e instanceof UpstreamProblemError && e.problem.status < 500) {
        return { ok: false, code: e.problem.code, problem: e.problem };
      }
      throw e;
    }
  };

  return {
    stock: (sku) => call('GET', `stock/${seg(sku)}`),
    setStock: (sku, onHand) => call('PUT', `stock/${seg(sku)}`, { onHand }),
    restock: (sku, restockId, quantity) => call('POST', `stock/${seg(sku)}/restock`, { restockId, quantity }),
    async reserve(req) {
      if (!batcher) return single(req);
      const { sku, ...item } = req;
      return batcher.submit(sku, item);
    },
    confirm: (sku, id) => call('POST', `reservations/${seg(sku)}/${seg(id)}/confirm`),
    release: (sku, id) => call('POST', `reservations/${seg(sku)}/${seg(id)}/release`),
    startFlashSale: (sku, sale) => call('PUT', `flash-sales/${seg(sku)}`, sale),
    flashSale: async (sku) => (await call<{ sale: FlashSaleDto | null }>('GET', `flash-sales/${seg(sku)}`)).sale,
    activeFlashSales: () => call('GET', 'flash-sales/active'),
  };
}

function toResult(d: DecodedOutcome): ReserveResult {
  if (d.ok && d.reservation) return { ok: true, reservation: d.reservation, replayed: d.replayed ?? false };
  const r = d.refusal ?? { code: 'INTERNAL', message: 'no outcome', details: {} };
  // The same problem body a single reservation call would have answered.
  return { ok: false, code: r.code, problem: toProblem(new InventoryRefusal(r.code, r.message, r.details)) };
}
