import type { PromotionsClient } from '@dbcarts/promotions/client';
import { Router } from 'express';
import { z } from 'zod';
import type { JwksTokenVerifier } from '../infra/jwks-token.verifier';
import { authenticate } from './auth.middleware';

const CodeParams = z.strictObject({ code: z.string().trim().min(1).max(64) });

/**
 * Coupons and timed discounts (shared/api-contract.md): admins create them, anyone reads a running
 * coupon's public terms. The promotions service validates strictly and answers refusals as problems
 * (400 with the fields, 409 PROMOTION.CODE_TAKEN, 404 PROMOTION.NOT_FOUND), relayed as they are.
 */
export function promotionsRoutes(promotions: PromotionsClient, verifier: JwksTokenVerifier): Router {
  const r = Router();
  const admin = authenticate(verifier, 'admin');
  r.post('/api/promotions', admin, async (req, res) => {
    res.status(201).json(await promotions.create(req.body));
  });
  r.get('/api/promotions/:code', async (req, res) => {
    const { code } = CodeParams.parse(req.params);
    res.set('Cache-Control', 'public, max-age=30').json(await promotions.promotion(code));
  });
  return r;
}
