import { Router } from 'express';
import { AuthorizeBody, CustomerQuery, OrderIdParams, RefundBody } from '../../contract';
import type { AuthorizePaymentUseCase } from '../app/authorize-payment.use-case';
import type { CapturePaymentUseCase } from '../app/capture-payment.use-case';
import type { QueryPaymentsUseCase } from '../app/query-payments.use-case';
import type { RefundPaymentUseCase } from '../app/refund-payment.use-case';
import type { VoidPaymentUseCase } from '../app/void-payment.use-case';
import { toPaymentDto, toReconciliationDto } from './payments.mapper';

export interface PaymentsUseCases {
  authorize: AuthorizePaymentUseCase;
  capture: CapturePaymentUseCase;
  void: VoidPaymentUseCase;
  refund: RefundPaymentUseCase;
  query: QueryPaymentsUseCase;
}

/**
 * The API orders calls through its sidecar (services/payments/client). Every write is idempotent
 * by order (and refund id): the first call answers 201, a replay 200 with the same payment.
 * Answers are never cached: a payment changes under the same URL.
 */
export function paymentsRoutes(uc: PaymentsUseCases): Router {
  const r = Router();
  r.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  r.post('/payments', async (req, res) => {
    const { payment, created } = await uc.authorize.execute(AuthorizeBody.parse(req.body));
    if (created) res.status(201).location(`/payments/${payment.orderId}`);
    res.json(toPaymentDto(payment));
  });

  r.get('/payments/:orderId', async (req, res) => {
    const { orderId } = OrderIdParams.parse(req.params);
    const { customerId } = CustomerQuery.parse(req.query);
    res.json(toPaymentDto(await uc.query.get(orderId, customerId)));
  });

  r.post('/payments/:orderId/capture', async (req, res) => {
    const { orderId } = OrderIdParams.parse(req.params);
    const { customerId } = CustomerQuery.parse(req.query);
    res.json(toPaymentDto(await uc.capture.execute(orderId, customerId)));
  });

  r.post('/payments/:orderId/void', async (req, res) => {
    const { orderId } = OrderIdParams.parse(req.params);
    const { customerId } = CustomerQuery.parse(req.query);
    res.json(toPaymentDto(await uc.void.execute(orderId, customerId)));
  });

  r.post('/payments/:orderId/refunds', async (req, res) => {
    const { orderId } = OrderIdParams.parse(req.params);
    const { customerId } = CustomerQuery.parse(req.query);
    const { payment, created } = await uc.refund.execute(orderId, RefundBody.parse(req.body), customerId);
    res.status(created ? 201 : 200).json(toPaymentDto(payment));
  });

  r.get('/ledger/:orderId', async (req, res) => {
    const { orderId } = OrderIdParams.parse(req.params);
    const { customerId } = CustomerQuery.parse(req.query);
    res.json(toReconciliationDto(await uc.query.reconcile(orderId, customerId)));
  });
  return r;
}
