import { escapeHtml, requestHash } from '@dbcarts/http';
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import {
  AdminOrderQuery,
  CartItemBody,
  CartItemParams,
  CreateOrderBody,
  OrderIdParams,
  PageQuery,
  ReturnBody,
} from '../../contract';
import type { CartUseCase } from '../app/cart.use-case';
import { runOnce } from '../app/idempotent-request';
import type { ManageOrderUseCase } from '../app/manage-order.use-case';
import { toOrderDto, toOrderLineFacts } from '../app/order.view';
import type { OrderEventsUseCase } from '../app/order-events.use-case';
import type { PlaceOrderUseCase } from '../app/place-order.use-case';
import type { OrderRepositoryPort, StoredResponse } from '../app/ports/order.repository.port';
import type { OrderHistoryPort } from '../app/ports/read-models.port';
import { IdempotencyKeyMissingError, OrderNotFoundError, OrderRequestNotFoundError } from '../domain/order.errors';
import { invoicePage } from './invoice.page';

export interface OrdersRouteDeps {
  place: PlaceOrderUseCase;
  manage: ManageOrderUseCase;
  cart: CartUseCase;
  events: OrderEventsUseCase;
  history: OrderHistoryPort;
  orders: OrderRepositoryPort;
}

// The gateway puts the token's subject in the path: this service is reached only through Dapr.
const Customer = z.strictObject({ customerId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export function ordersRoutes(d: OrdersRouteDeps): Router {
  const r = Router();
  const C = '/customers/:customerId';

  r.get(`${C}/cart`, async (req, res) => {
    const { customerId } = Customer.parse(req.params);
    res.json(await d.cart.view(customerId));
  });
  r.put(`${C}/cart/items/:sku`, async (req, res) => {
    const { customerId, sku } = Customer.extend(CartItemParams.shape).parse(req.params);
    res.json(await d.cart.set(customerId, sku, CartItemBody.parse(req.body).quantity));
  });
  r.delete(`${C}/cart/items/:sku`, async (req, res) => {
    const { customerId, sku } = Customer.extend(CartItemParams.shape).parse(req.params);
    res.json(await d.cart.remove(customerId, [sku]));
  });

  r.post(`${C}/orders`, async (req, res) => {
    const { customerId } = Customer.parse(req.params);
    const idempotencyKey = keyOf(req);
    const request = CreateOrderBody.parse(req.body);
    const hash = requestHash('POST /orders', req.body);
    const { response, replayed } = await d.place.execute({ customerId, idempotencyKey, requestHash: hash, request });
    if (response.status === 201) {
      // Ordered items leave the cart (best effort: the order stands whatever the cart does).
      await d.cart
        .remove(
          customerId,
          request.items.map((i) => i.sku),
        )
        .catch(() => undefined);
    }
    send(res, response, replayed);
  });

  // Where a checkout under a key stands: the gateway's checkout queue answers its status URL from it.
  r.get(`${C}/order-requests/:key`, async (req, res) => {
    const { customerId } = Customer.parse({ customerId: req.params.customerId });
    const found = await d.orders.keyState(customerId, String(req.params.key));
    if (!found) throw new OrderRequestNotFoundError();
    res.json(found.state === 'answered' ? { state: found.state, ...found.response } : found);
  });
  r.get(`${C}/orders`, async (req, res) => {
    const { customerId } = Customer.parse(req.params);
    const { page, pageSize } = PageQuery.parse(req.query);
    res.json({ ...(await d.history.list(customerId, page, pageSize)), page, pageSize });
  });
  r.get(`${C}/orders/:id`, async (req, res) => {
    const { customerId, id } = Customer.extend(OrderIdParams.shape).parse(req.params);
    res.json(toOrderDto(await d.manage.get({ customerId }, id)));
  });
  // Internal (after-sales): one line of the caller's order with its delivery and department.
  r.get(`${C}/orders/:id/lines/:sku`, async (req, res) => {
    const { customerId, id, sku } = Customer.extend(OrderIdParams.shape).extend(CartItemParams.shape).parse(req.params);
    const order = await d.manage.get({ customerId }, id);
    const line = order.lines.find((l) => l.sku === sku);
    if (!line) throw new OrderNotFoundError(id);
    res.json(toOrderLineFacts(order, line));
  });
  r.post(`${C}/orders/:id/cancel`, async (req, res) => {
    const { customerId, id } = Customer.extend(OrderIdParams.shape).parse(req.params);
    res.json(toOrderDto(await d.manage.cancel({ customerId }, id)));
  });
  r.post(`${C}/orders/:id/returns`, async (req, res) => {
    const { customerId, id } = Customer.extend(OrderIdParams.shape).parse(req.params);
    const key = keyOf(req);
    const body = ReturnBody.parse(req.body);
    const claim = {
      customerId,
      key: `return:${key}`,
      hash: requestHash(`POST /orders/${id}/returns`, req.body),
      orderId: id,
    };
    const { response, replayed } = await runOnce(d.orders, claim, async () => {
      const { order, effect } = await d.manage.return({ customerId }, id, body);
      const refund = { amount: effect.refund, currency: order.currency };
      return {
        status: 201,
        body: { id: effect.returnId, orderId: id, items: effect.items, refund, order: toOrderDto(order) },
      };
    });
    send(res, response, replayed);
  });
  r.get(`${C}/orders/:id/invoice`, async (req, res) => {
    const { customerId, id } = Customer.extend(OrderIdParams.shape).parse(req.params);
    await d.manage.get({ customerId }, id); // someone else's order → 404
    const invoice = await d.events.invoiceOf(id);
    if (req.query.format === 'html') res.type('html').send(invoicePage(invoice, escapeHtml));
    else res.json(invoice);
  });

  r.get('/admin/orders', async (req, res) => {
    const q = AdminOrderQuery.parse(req.query);
    const page = await d.history.listAll({
      ...q,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
    });
    res.json({ ...page, page: q.page, pageSize: q.pageSize });
  });
  r.post('/admin/orders/:id/ship', async (req, res) => {
    res.json(toOrderDto(await d.manage.ship(OrderIdParams.parse(req.params).id)));
  });
  r.post('/admin/orders/:id/deliver', async (req, res) => {
    res.json(toOrderDto(await d.manage.deliver(OrderIdParams.parse(req.params).id)));
  });
  return r;
}

function keyOf(req: Request): string {
  const key = req.get('idempotency-key');
  if (!key || !IDEMPOTENCY_KEY.test(key)) throw new IdempotencyKeyMissingError();
  return key;
}

function send(res: Response, response: StoredResponse, replayed: boolean): void {
  if (replayed) res.setHeader('Idempotent-Replayed', 'true');
  const problem = response.status >= 400;
  res
    .status(response.status)
    .type(problem ? 'application/problem+json' : 'application/json')
    .send(JSON.stringify(response.body));
}
