import { problem, sendProblem } from '@dbcarts/http';
import { CreateOrderBody, type OrdersClient } from '@dbcarts/orders/client';
import { type Response, Router } from 'express';
import type { CheckoutQueue, QueuePosition } from '../app/checkout-queue';
import type { JwksTokenVerifier } from '../infra/jwks-token.verifier';
import { authenticate, principalOf } from './auth.middleware';
import { IDEMPOTENCY_KEY, idempotencyKey } from './idempotency-key';
import { relay } from './orders.routes';

/**
 * POST /api/orders through the checkout queue, and the queue's status URL (shared/api-contract.md).
 * While checkout keeps up, an order is answered as it completes (201, 402, 409...). When orders
 * arrive faster than it completes them, a request still waiting after a moment is answered 202 with
 * its place in the queue and a status URL instead of timing out; the checkout goes on without it.
 * The ticket is the Idempotency-Key (base64url) under the caller's own identity, so any gateway
 * instance answers the URL: from its queue while the checkout waits there, else from the answer the
 * orders service stored under the key (303 to the order, or the refusal as it was).
 */
export function checkoutRoutes(orders: OrdersClient, verifier: JwksTokenVerifier, queue?: CheckoutQueue): Router {
  const r = Router();
  const customer = authenticate(verifier, 'customer');
  const me = (res: Response) => principalOf(res).sub;

  r.post('/api/orders', customer, async (req, res) => {
    const key = idempotencyKey(req, res);
    if (!key) return;
    CreateOrderBody.parse(req.body);
    if (!queue) return relay(res, await orders.place(me(res), key, req.body), '/api/orders');
    const out = await queue.submit({ customerId: me(res), key, body: req.body });
    if ('answer' in out) return relay(res, out.answer, '/api/orders');
    if ('queued' in out) return queued(res, key, out.queued);
    res.setHeader('Retry-After', '5');
    sendProblem(
      res,
      problem(503, 'CHECKOUT.BUSY', 'Checkout is full', 'Too many orders are waiting; try again shortly.'),
    );
  });

  r.get('/api/checkout-queue/:ticket', customer, async (req, res) => {
    const key = Buffer.from(String(req.params.ticket), 'base64url').toString('utf8');
    if (!IDEMPOTENCY_KEY.test(key) || ticketOf(key) !== req.params.ticket) return void sendProblem(res, notFound());
    res.set('Cache-Control', 'no-store');
    const waiting = queue?.position(me(res), key);
    if (waiting) return queued(res, key, waiting);
    const state = await orders.requestState(me(res), key);
    if (!state) return void sendProblem(res, notFound());
    if (state.state === 'in_progress') return queued(res, key, { position: 0, estimatedWaitSeconds: 1 });
    const order = state.body as { id?: string };
    if (state.status === 201 && order?.id) return void res.redirect(303, `/api/orders/${order.id}`);
    relay(res, { status: state.status, body: state.body, replayed: true });
  });
  return r;
}

const ticketOf = (key: string) => Buffer.from(key, 'utf8').toString('base64url');

function queued(res: Response, key: string, at: QueuePosition): void {
  const ticket = ticketOf(key);
  res
    .status(202)
    .location(`/api/checkout-queue/${ticket}`)
    .setHeader('Retry-After', String(Math.min(5, Math.max(1, at.estimatedWaitSeconds))));
  res.json({ ticket, ...at });
}

const notFound = () =>
  problem(404, 'CHECKOUT.TICKET_NOT_FOUND', 'No such checkout', 'No checkout of yours waits or was placed under it.');
