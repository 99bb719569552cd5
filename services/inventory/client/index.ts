import type { Sidecar } from '@dbcarts/dapr';
import { UpstreamProblemError } from '@dbcarts/errors';
import { toProblem } from '@dbcarts/http';
import {
  FlashSaleBody,
  type FlashSaleDto,
  type FlashSaleRequest,
  type ReservationDto,
  ReservationParams,
  RestockBody,
  ReserveBody,
  type ReserveRequest,
  SetStockBody,
  SkuParams,
  type StockView,
} from '../contract';
import { type BatchingOptions, createBatchedReserve, type ReserveResult } from './reservation-batcher';

export type { FlashSaleDto, FlashSaleRequest, ReservationDto, ReserveRequest, StockView } from '../contract';
export type { BatchingOptions, ReserveResult } from './reservation-batcher';

export const INVENTORY_APP_ID = 'inventory';

/** The only way other services talk to inventory: Dapr service invocation through their sidecar. */
export interface InventoryClient {
  stock(sku: string): Promise<StockView>;
  setStock(sku: string, onHand: number): Promise<StockView>;
  restock(sku: string, restockId: string, quantity: number): Promise<StockView>;
  /**
   * A refusal (INVENTORY.INSUFFICIENT, INVENTORY.UNKNOWN_SKU, FLASH_SALE.LIMIT_EXCEEDED...) is a
   * result, not an exception: callers branch on it. So is input the contract refuses
   * (REQUEST.INVALID, 400), which never leaves the process. A transport failure or a full queue
   * (INVENTORY.BUSY) throws; retrying with the same reservationId is safe.
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
  batching?: false | BatchingOptions;
}

/**
 * Every argument is checked against the contract's schemas before anything is sent: the batched
 * reserve path reaches the SKU's actor with no inventory HTTP layer in between, and the other
 * calls should not cost a round trip to learn what the schema already says (a ZodError maps to 400).
 */
export function createInventoryClient(sidecar: Sidecar, opts: InventoryClientOptions = {}): InventoryClient {
  const appId = opts.appId ?? INVENTORY_APP_ID;
  const seg = encodeURIComponent;
  const call = async <T>(method: string, path: string, body?: unknown) =>
    (await sidecar.invokeService<T>(appId, method, path, { body })).body;
  const skuOf = (sku: string) => SkuParams.parse({ sku }).sku;

  const batching = opts.batching ?? { maxBatch: 1000 };
  const batched = batching && createBatchedReserve(sidecar, appId, batching);

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
    stock: async (sku) => call('GET', `stock/${seg(skuOf(sku))}`),
    async setStock(sku, onHand) {
      const body = SetStockBody.parse({ onHand });
      return call('PUT', `stock/${seg(skuOf(sku))}`, body);
    },
    async restock(sku, restockId, quantity) {
      const body = RestockBody.parse({ restockId, quantity });
      return call('POST', `stock/${seg(skuOf(sku))}/restock`, body);
    },
    async reserve(req) {
      const parsed = ReserveBody.safeParse(req);
      // The same answer the service gives an invalid body, without sending it.
      if (!parsed.success) return { ok: false, code: 'REQUEST.INVALID', problem: toProblem(parsed.error) };
      if (!batched) return single(parsed.data);
      const { sku, ...item } = parsed.data;
      return batched(sku, item);
    },
    async confirm(sku, id) {
      const p = ReservationParams.parse({ sku, reservationId: id });
      return call('POST', `reservations/${seg(p.sku)}/${seg(p.reservationId)}/confirm`);
    },
    async release(sku, id) {
      const p = ReservationParams.parse({ sku, reservationId: id });
      return call('POST', `reservations/${seg(p.sku)}/${seg(p.reservationId)}/release`);
    },
    async startFlashSale(sku, sale) {
      const body = FlashSaleBody.parse(sale);
      return call('PUT', `flash-sales/${seg(skuOf(sku))}`, body);
    },
    flashSale: async (sku) => (await call<{ sale: FlashSaleDto | null }>('GET', `flash-sales/${seg(skuOf(sku))}`)).sale,
    activeFlashSales: () => call('GET', 'flash-sales/active'),
  };
}
