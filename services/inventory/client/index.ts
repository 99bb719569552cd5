import { type Problem, UpstreamProblemError } from '@dbcarts/errors';
import type { Sidecar } from '@dbcarts/dapr';
import type { ReservationDto, ReserveRequest, StockView } from '../contract';

export type { ReservationDto, ReserveRequest, StockView } from '../contract';

export const INVENTORY_APP_ID = 'inventory';

export type ReserveResult =
  | { ok: true; reservation: ReservationDto; replayed: boolean }
  | { ok: false; code: string; problem: Problem };

/** The only way other services talk to inventory: Dapr service invocation through their sidecar. */
export interface InventoryClient {
  stock(sku: string): Promise<StockView>;
  setStock(sku: string, onHand: number): Promise<StockView>;
  restock(sku: string, restockId: string, quantity: number): Promise<StockView>;
  /** A refusal (e.g. INVENTORY.INSUFFICIENT) is a result, not an exception: callers branch on it. */
  reserve(req: ReserveRequest): Promise<ReserveResult>;
  confirm(sku: string, reservationId: string): Promise<ReservationDto>;
  release(sku: string, reservationId: string): Promise<ReservationDto>;
}

export function createInventoryClient(sidecar: Sidecar, appId = INVENTORY_APP_ID): InventoryClient {
  const seg = encodeURIComponent;
  const call = async <T>(method: string, path: string, body?: unknown) =>
    (await sidecar.invokeService<T>(appId, method, path, { body })).body;
  return {
    stock: (sku) => call('GET', `stock/${seg(sku)}`),
    setStock: (sku, onHand) => call('PUT', `stock/${seg(sku)}`, { onHand }),
    restock: (sku, restockId, quantity) => call('POST', `stock/${seg(sku)}/restock`, { restockId, quantity }),
    async reserve(req) {
      try {
        const res = await sidecar.invokeService<ReservationDto>(appId, 'POST', 'reservations', { body: req });
        return { ok: true, reservation: res.body, replayed: res.headers.get('idempotent-replayed') === 'true' };
      } catch (e) {
        if (e instanceof UpstreamProblemError && e.problem.status < 500) {
          return { ok: false, code: e.problem.code, problem: e.problem };
        }
        throw e;
      }
    },
    confirm: (sku, id) => call('POST', `reservations/${seg(sku)}/${seg(id)}/confirm`),
    release: (sku, id) => call('POST', `reservations/${seg(sku)}/${seg(id)}/release`),
  };
}
