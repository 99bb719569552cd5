import {
  AdminOrderQuery,
  CartItemBody,
  CartItemParams,
  OrderIdParams,
  type OrdersClient,
  PageQuery,
  type RelayedAnswer,
  ReturnBody,
} from '@dbcarts/orders/client';
import { type Response, Router } from 'express';
import { z } from 'zod';
import type { JwksTokenVerifier } from '../infra/jwks-token.verifier';
import { authenticate, principalOf } from './auth.middleware';
import { idempotencyKey } from './idempotency-key';

const InvoiceQuery = z.strictObject({ format: z.enum(['json', 'html']).default('json') });

/**
 * Cart and orders (shared/api-contract.md): validated here, served by the orders service. The
 * customer is always the token's subject. Idempotent writes (⟲) need an Idempotency-Key; their
 * answer (stored by the orders service per customer and key) is relayed with its status.
 */
export function ordersRoutes(orders: OrdersClient, verifier: JwksTokenVerifier): Router {
  const r = Router();
  const customer = authenticate(verifier, 'customer');
  const admin = authenticate(verifier, 'admin');
  const me = (res: Response) => principalOf(res).sub;

  r.get('/api/cart', customer, async (_req, res) => {
    res.set('Cache-Control', 'no-store').json(await orders.cart(me(res)));
  });
  r.put('/api/cart/items/:sku', customer, async (req, res) => {
    const { sku } = CartItemParams.parse(req.params);
    res.json(await orders.setCartItem(me(res), sku, CartItemBody.parse(req.body).quantity));
  });
  r.delete('/api/cart/items/:sku', customer, async (req, res) => {
    const { sku } = CartItemParams.parse(req.params);
    res.json(await orders.removeCartItem(me(res), sku));
  });

  r.get('/api/orders', customer, async (req, res) => {
    const { page, pageSize } = PageQuery.parse(req.query);
    res.set('Cache-Control', 'no-store').json(await orders.list(me(res), page, pageSize));
  });
  r.get('/api/orders/:id', customer, async (req, res) => {
    const { id } = OrderIdParams.parse(req.params);
    res.set('Cache-Control', 'no-store').json(await orders.get(me(res), id));
  });
  r.post('/api/orders/:id/cancel', customer, async (req, res) => {
    const { id } = OrderIdParams.parse(req.params);
    res.json(await orders.cancel(me(res), id));
  });
  r.post('/api/orders/:id/returns', customer, async (req, res) => {
    const { id } = OrderIdParams.parse(req.params);
    const key = idempotencyKey(req, res);
    if (!key) return;
    ReturnBody.parse(req.body);
    relay(res, await orders.return(me(res), id, key, req.body));
  });
  r.get('/api/orders/:id/invoice', customer, async (req, res) => {
    const { id } = OrderIdParams.parse(req.params);
    const { format } = InvoiceQuery.parse(req.query);
    const invoice = await orders.invoice(me(res), id, format);
    if (format === 'html')
      res.type('html').set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    res.set('Cache-Control', 'private, no-store').send(format === 'html' ? invoice : JSON.stringify(invoice));
  });

  r.get('/api/admin/orders', admin, async (req, res) => {
    const q = AdminOrderQuery.parse(req.query);
    res.json(await orders.adminList({ ...q, page: String(q.page), pageSize: String(q.pageSize) }));
  });
  r.post('/api/admin/orders/:id/ship', admin, async (req, res) => {
    res.json(await orders.ship(OrderIdParams.parse(req.params).id));
  });
  r.post('/api/admin/orders/:id/deliver', admin, async (req, res) => {
    res.json(await orders.deliver(OrderIdParams.parse(req.params).id));
  });
  return r;
}

export function relay(res: Response, answer: RelayedAnswer, location?: string): void {
  if (answer.replayed) res.setHeader('Idempotent-Replayed', 'true');
  const ok = answer.status < 400;
  const body = answer.body as { id?: string } | undefined;
  if (ok && location && body?.id) res.location(`${location}/${body.id}`);
  if (answer.status === 503) res.setHeader('Retry-After', '5');
  res
    .status(answer.status)
    .type(ok ? 'application/json' : 'application/problem+json')
    .send(JSON.stringify(answer.body));
}
