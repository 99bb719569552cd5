import { KeyedBatcher } from '@dbcarts/concurrency';
import type { Sidecar } from '@dbcarts/dapr';
import { type Problem, UpstreamProblemError } from '@dbcarts/errors';
import type {
  FlashSaleDto,
  FlashSaleRequest,
  ReservationDto,
  ReserveItemRequest,
  ReserveOutcomeDto,
  ReserveRequest,
  StockView,
} from '../contract';

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

  const batching = opts.batching ?? { maxBatch: 500 };
  const batcher =
    batching &&
    new KeyedBatcher<ReserveItemRequest, ReserveOutcomeDto>(async (sku, items) => {
      const res = await call<{ outcomes: ReserveOutcomeDto[] }>('POST', 'reservations/batch', { sku, items });
      return res.outcomes;
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
      const o = await batcher.submit(sku, item);
      if (o.ok) return { ok: true, reservation: o.reservation, replayed: o.replayed };
      return { ok: false, code: o.problem.code, problem: o.problem };
    },
    confirm: (sku, id) => call('POST', `reservations/${seg(sku)}/${seg(id)}/confirm`),
    release: (sku, id) => call('POST', `reservations/${seg(sku)}/${seg(id)}/release`),
    startFlashSale: (sku, sale) => call('PUT', `flash-sales/${seg(sku)}`, sale),
    flashSale: async (sku) => (await call<{ sale: FlashSaleDto | null }>('GET', `flash-sales/${seg(sku)}`)).sale,
  };
}
