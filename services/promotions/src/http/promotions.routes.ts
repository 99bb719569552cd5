import { Router } from 'express';
import { CodeParams, CreatePromotionBody, IdParams, UpdatePromotionBody } from '../../contract';
import type { ManagePromotionsUseCase } from '../app/manage-promotions.use-case';
import { toPromotionDto, toPublicPromotionDto } from './promotions.mapper';

/**
 * The admin API and the public coupon view, reached through the gateway (POST /api/promotions is
 * admin-only there; GET /api/promotions/{code} is public). Bodies are strict: every field checked.
 */
export function promotionsRoutes(uc: ManagePromotionsUseCase): Router {
  const r = Router();

  r.post('/promotions', async (req, res) => {
    const p = await uc.create(CreatePromotionBody.parse(req.body));
    res.status(201).location(`/promotions/${p.id}`).json(toPromotionDto(p));
  });

  r.patch('/promotions/:id', async (req, res) => {
    const { id } = IdParams.parse(req.params);
    const { active } = UpdatePromotionBody.parse(req.body);
    res.json(toPromotionDto(await uc.setActive(id, active)));
  });

  r.get('/promotions/:code', async (req, res) => {
    const { code } = CodeParams.parse(req.params);
    const p = await uc.publicView(code);
    // The same for everyone, but it ends or is switched off: a cache may keep it for seconds only.
    res.set('Cache-Control', 'public, max-age=10');
    res.json(toPublicPromotionDto({ ...p, code: p.code ?? code }));
  });
  return r;
}
