import { DependencyUnavailableError } from '@dbcarts/errors';
import {
  type AfterSalesClient,
  CaseListQuery,
  CaseMessageBody,
  CaseStatusBody,
  ClaimDecisionBody,
  ClaimOutcomeBody,
  CreateCaseBody,
  IdParams,
  RegisterWarrantyBody,
  SkuParams,
  SlaQuery,
  WarrantyClaimBody,
  WarrantyTermsBody,
} from '@dbcarts/after-sales/client';
import { type NextFunction, type Request, type Response, Router } from 'express';
import type { JwksTokenVerifier } from '../infra/jwks-token.verifier';
import { authenticate, ForbiddenError, principalOf } from './auth.middleware';
import { idempotencyKey } from './idempotency-key';
import { relay } from './orders.routes';

/**
 * Warranties and customer-service cases (shared/api-contract.md "After-sales"): validated here (400
 * before any call), served by the after-sales service, which validates again. The customer is always
 * the token's subject. ⟲ routes need an Idempotency-Key; their answer, stored by after-sales per
 * customer and key, is relayed with its status. Case routes serve customers their own cases (someone
 * else's → 404) and admins every case.
 */
export function afterSalesRoutes(verifier: JwksTokenVerifier, client?: AfterSalesClient): Router {
  const r = Router();
  const customer = authenticate(verifier, 'customer');
  const admin = authenticate(verifier, 'admin');
  // Customers (their own cases) or admins (all): a token with neither role (client credentials) → 403.
  const authenticated = authenticate(verifier);
  const anyone = (req: Request, res: Response, next: NextFunction) =>
    authenticated(req, res, (err?: unknown) => {
      if (err) return next(err);
      const ok = principalOf(res).roles.some((role) => role === 'customer' || role === 'admin');
      next(ok ? undefined : new ForbiddenError('This needs the customer or admin role'));
    });
  const me = (res: Response) => principalOf(res).sub;
  const isAdmin = (res: Response) => principalOf(res).roles.includes('admin');
  // A gateway built without the client (route-table tests) says so instead of pretending.
  const as = (): AfterSalesClient => {
    if (!client) throw new DependencyUnavailableError('after-sales', 'no client configured');
    return client;
  };
  const noStore = (res: Response) => res.set('Cache-Control', 'no-store');

  r.post('/api/me/warranties', customer, async (req, res) => {
    const key = idempotencyKey(req, res);
    if (!key) return;
    RegisterWarrantyBody.parse(req.body);
    relay(res, await as().registerWarranty(me(res), key, req.body));
  });
  r.get('/api/me/warranties', customer, async (_req, res) => {
    noStore(res).json(await as().warranties(me(res)));
  });
  r.post('/api/me/warranties/:id/claims', customer, async (req, res) => {
    const { id } = IdParams.parse(req.params);
    const key = idempotencyKey(req, res);
    if (!key) return;
    WarrantyClaimBody.parse(req.body);
    relay(res, await as().claim(me(res), id, key, req.body));
  });
  r.post('/api/admin/warranty-claims/:id/decision', admin, async (req, res) => {
    const { id } = IdParams.parse(req.params);
    res.json(await as().decide(id, ClaimDecisionBody.parse(req.body)));
  });
  r.post('/api/admin/warranty-claims/:id/status', admin, async (req, res) => {
    const { id } = IdParams.parse(req.params);
    res.json(await as().claimOutcome(id, ClaimOutcomeBody.parse(req.body)));
  });
  r.put('/api/admin/warranty-terms/:sku', admin, async (req, res) => {
    const { sku } = SkuParams.parse(req.params);
    res.json(await as().setWarrantyTerm(sku, WarrantyTermsBody.parse(req.body)));
  });

  r.post('/api/support/cases', customer, async (req, res) => {
    const key = idempotencyKey(req, res);
    if (!key) return;
    CreateCaseBody.parse(req.body);
    relay(res, await as().openCase(me(res), key, req.body));
  });
  r.get('/api/support/cases', anyone, async (req, res) => {
    const q = CaseListQuery.parse(req.query);
    noStore(res).json(isAdmin(res) ? await as().adminCases(q) : await as().cases(me(res), q));
  });
  r.get('/api/support/cases/:id', anyone, async (req, res) => {
    const { id } = IdParams.parse(req.params);
    noStore(res).json(isAdmin(res) ? await as().adminCase(id) : await as().case(me(res), id));
  });
  r.post('/api/support/cases/:id/messages', anyone, async (req, res) => {
    const { id } = IdParams.parse(req.params);
    const body = CaseMessageBody.parse(req.body);
    const c = isAdmin(res) ? await as().adminMessage(me(res), id, body) : await as().message(me(res), id, body);
    res.status(201).json(c);
  });
  r.post('/api/admin/support/cases/:id/status', admin, async (req, res) => {
    const { id } = IdParams.parse(req.params);
    res.json(await as().setCaseStatus(id, CaseStatusBody.parse(req.body)));
  });
  r.get('/api/admin/support/sla', admin, async (req, res) => {
    const { from, to } = SlaQuery.parse(req.query);
    noStore(res).json(await as().sla(from, to));
  });
  return r;
}
