import { type RelayedAnswer, relayIdempotent, type Sidecar } from '@dbcarts/dapr';
import { type Problem, UpstreamProblemError } from '@dbcarts/errors';
import type { CartDto, OrderDto, OrderLineFactsDto } from '../contract';

export type { CartDto, OrderDto, OrderEvent, OrderLineFactsDto, ShippingAddress } from '../contract';
export {
  AdminOrderQuery,
  CartItemBody,
  CartItemParams,
  CreateOrderBody,
  ORDER_EVENTS,
  OrderIdParams,
  PageQuery,
  ReturnBody,
} from '../contract';

export const ORDERS_APP_ID = 'orders';

export type { RelayedAnswer };

/** Where a checkout under an Idempotency-Key stands (the orders service's stored answer, if any). */
export type OrderRequestState = { state: 'answered'; status: number; body: unknown } | { state: 'in_progress' };

export interface OrdersClient {
  cart(customerId: string): Promise<CartDto>;
  setCartItem(customerId: string, sku: string, quantity: number): Promise<CartDto>;
  removeCartItem(customerId: string, sku: string): Promise<CartDto>;
  /** POST /orders under an Idempotency-Key; 201, 402, 409, 503... all come back as answers. */
  place(customerId: string, idempotencyKey: string, body: unknown): Promise<RelayedAnswer>;
  /** undefined: no checkout under this key (never sent, or released after a fault). */
  requestState(customerId: string, idempotencyKey: string): Promise<OrderRequestState | undefined>;
  list(customerId: string, page: number, pageSize: number): Promise<unknown>;
  get(customerId: string, id: string): Promise<OrderDto>;
  /** One line of the customer's own order (someone else's or an unknown SKU → ORDER.NOT_FOUND). */
  lineFacts(customerId: string, orderId: string, sku: string): Promise<OrderLineFactsDto>;
  cancel(customerId: string, id: string): Promise<OrderDto>;
  return(customerId: string, id: string, idempotencyKey: string, body: unknown): Promise<RelayedAnswer>;
  invoice(customerId: string, id: string, format: 'json' | 'html'): Promise<unknown>;
  adminList(query: Record<string, string | undefined>): Promise<unknown>;
  ship(id: string): Promise<OrderDto>;
  deliver(id: string): Promise<OrderDto>;
}

/**
 * The gateway's way to the orders service (Dapr invocation). The customer id is the token's
 * subject, never the client's choice; the orders service validates every body again.
 */
// 7.5 s: a checkout waits up to the payment provider's 4 s bound; under the gateway's 8 s request deadline.
export function createOrdersClient(sidecar: Sidecar, appId = ORDERS_APP_ID, timeoutMs = 7_500): OrdersClient {
  const seg = encodeURIComponent;
  const c = (id: string) => `customers/${seg(id)}`;
  const call = async <T>(method: string, path: string, body?: unknown) =>
    (await sidecar.invokeService<T>(appId, method, path, { body, timeoutMs })).body;
  // Idempotent writes: every status is an answer to relay (a stored 402 replays as a 402).
  const relay = (path: string, key: string, body: unknown): Promise<RelayedAnswer> =>
    relayIdempotent(sidecar, appId, path, { key, body, timeoutMs, publicName: 'The orders service' });
  return {
    cart: (id) => call('GET', `${c(id)}/cart`),
    setCartItem: (id, sku, quantity) => call('PUT', `${c(id)}/cart/items/${seg(sku)}`, { quantity }),
    removeCartItem: (id, sku) => call('DELETE', `${c(id)}/cart/items/${seg(sku)}`),
    place: (id, key, body) => relay(`${c(id)}/orders`, key, body),
    async requestState(id, key) {
      const res = await sidecar.invokeServiceAnswer<OrderRequestState>(
        appId,
        'GET',
        `${c(id)}/order-requests/${seg(key)}`,
        { timeoutMs },
      );
      if (res.status === 404) return undefined;
      if (res.status !== 200) throw new UpstreamProblemError(res.body as unknown as Problem, appId);
      return res.body;
    },
    list: async (id, page, pageSize) =>
      (await sidecar.invokeService(appId, 'GET', `${c(id)}/orders`, { query: { page, pageSize }, timeoutMs })).body,
    get: (id, order) => call('GET', `${c(id)}/orders/${seg(order)}`),
    lineFacts: (id, order, sku) => call('GET', `${c(id)}/orders/${seg(order)}/lines/${seg(sku)}`),
    cancel: (id, order) => call('POST', `${c(id)}/orders/${seg(order)}/cancel`),
    return: (id, order, key, body) => relay(`${c(id)}/orders/${seg(order)}/returns`, key, body),
    invoice: async (id, order, format) =>
      (
        await sidecar.invokeService(appId, 'GET', `${c(id)}/orders/${seg(order)}/invoice`, {
          query: { format },
          timeoutMs,
        })
      ).body,
    adminList: async (query) => (await sidecar.invokeService(appId, 'GET', 'admin/orders', { query, timeoutMs })).body,
    ship: (id) => call('POST', `admin/orders/${seg(id)}/ship`),
    deliver: (id) => call('POST', `admin/orders/${seg(id)}/deliver`),
  };
}
