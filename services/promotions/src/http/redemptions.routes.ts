import { Router } from 'express';
import { OrderIdParams, QuoteBody, ReserveBody } from '../../contract';
import type { QuoteUseCase } from '../app/quote.use-case';
import type { ReserveRedemptionUseCase } from '../app/reserve-redemption.use-case';
import type { SettleRedemptionUseCase } from '../app/settle-redemption.use-case';
import { toNoneDto, toQuoteDto, toRedemptionDto } from './promotions.mapper';

export interface RedemptionUseCases {
  quote: QuoteUseCase;
  reserve: ReserveRedemptionUseCase;
  settle: SettleRedemptionUseCase;
}

/**
 * The API orders calls through its sidecar (services/promotions/client). reserve is idempotent by
 * order id: the first call answers 201 (or its refusal), a replay 200 with the same body (or the same
 * refusal). Answers are never cached: a redemption changes under the same URL.
 */
export function redemptionsRoutes(uc: RedemptionUseCases): Router {
  const r = Router();
  r.use(['/quotes', '/redemptions'], (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  r.post('/quotes', async (req, res) => {
    res.json(toQuoteDto(await uc.quote.execute(QuoteBody.parse(req.body))));
  });

  r.post('/redemptions', async (req, res) => {
    const answer = await uc.reserve.execute(ReserveBody.parse(req.body));
    if (answer.kind === 'none') return void res.json(toNoneDto(answer.orderId, answer.quote));
    if (answer.created) res.status(201).location(`/redemptions/${answer.redemption.orderId}`);
    else res.set('Idempotent-Replayed', 'true');
    res.json(toRedemptionDto(answer.redemption));
  });

  r.get('/redemptions/:orderId', async (req, res) => {
    const { orderId } = OrderIdParams.parse(req.params);
    res.json(toRedemptionDto(await uc.settle.get(orderId)));
  });

  r.post('/redemptions/:orderId/commit', async (req, res) => {
    const { orderId } = OrderIdParams.parse(req.params);
    res.json(toRedemptionDto(await uc.settle.commit(orderId)));
  });

  r.post('/redemptions/:orderId/release', async (req, res) => {
    const { orderId } = OrderIdParams.parse(req.params);
    res.json(toRedemptionDto(await uc.settle.release(orderId)));
  });
  return r;
}
