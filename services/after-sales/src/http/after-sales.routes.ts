import { requestHash } from '@dbcarts/http';
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import {
  CaseListQuery,
  CaseMessageBody,
  CaseStatusBody,
  ClaimDecisionBody,
  ClaimOutcomeBody,
  CreateCaseBody,
  CustomerId,
  IdParams,
  RegisterWarrantyBody,
  SkuParams,
  SlaQuery,
  WarrantyClaimBody,
  WarrantyTermsBody,
} from '../../contract';
import type { StoredAnswer } from '../app/ports/after-sales.ports';
import type { SupportUseCase } from '../app/support.use-case';
import type { WarrantyUseCase } from '../app/warranty.use-case';
import { IdempotencyKeyMissingError } from '../domain/after-sales.errors';

export interface AfterSalesRouteDeps {
  warranty: WarrantyUseCase;
  support: SupportUseCase;
}

// The gateway puts the token's subject in the path: this service is reached only through Dapr.
const Customer = z.strictObject({ customerId: CustomerId });
const CustomerAndId = Customer.extend(IdParams.shape);
const Admin = z.strictObject({ adminId: CustomerId });
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

function keyOf(req: Request): string {
  const key = req.get('idempotency-key');
  if (!key || !IDEMPOTENCY_KEY.test(key)) throw new IdempotencyKeyMissingError();
  return key;
}

function send(res: Response, r: { answer: StoredAnswer; replayed: boolean }): void {
  if (r.replayed) res.setHeader('Idempotent-Replayed', 'true');
  res
    .status(r.answer.status)
    .type(r.answer.status < 400 ? 'application/json' : 'application/problem+json')
    .send(JSON.stringify(r.answer.body));
}

/** Customer and admin routes of warranties and support cases (shared/api-contract.md "After-sales"). */
export function afterSalesRoutes(d: AfterSalesRouteDeps): Router {
  const r = Router();
  const C = '/customers/:customerId';
  const run = (req: Request, customerId: string, route: string) => ({
    customerId,
    key: keyOf(req),
    hash: requestHash(route, req.body),
  });

  r.post(`${C}/warranties`, async (req, res) => {
    const { customerId } = Customer.parse(req.params);
    const body = RegisterWarrantyBody.parse(req.body);
    send(res, await d.warranty.register(run(req, customerId, 'POST /warranties'), body.orderId, body.sku));
  });
  r.get(`${C}/warranties`, async (req, res) => {
    const { customerId } = Customer.parse(req.params);
    res.json({ items: await d.warranty.list(customerId) });
  });
  r.post(`${C}/warranties/:id/claims`, async (req, res) => {
    const { customerId, id } = CustomerAndId.parse(req.params);
    const { description } = WarrantyClaimBody.parse(req.body);
    send(res, await d.warranty.claim(run(req, customerId, `POST /warranties/${id}/claims`), id, description));
  });

  r.post(`${C}/support/cases`, async (req, res) => {
    const { customerId } = Customer.parse(req.params);
    const body = CreateCaseBody.parse(req.body);
    send(res, await d.support.open(run(req, customerId, 'POST /support/cases'), body));
  });
  r.get(`${C}/support/cases`, async (req, res) => {
    const { customerId } = Customer.parse(req.params);
    res.json(await d.support.list({ customerId }, CaseListQuery.parse(req.query)));
  });
  r.get(`${C}/support/cases/:id`, async (req, res) => {
    const { customerId, id } = CustomerAndId.parse(req.params);
    res.json(await d.support.get({ customerId }, id));
  });
  r.post(`${C}/support/cases/:id/messages`, async (req, res) => {
    const { customerId, id } = CustomerAndId.parse(req.params);
    res.status(201).json(await d.support.message({ customerId }, id, CaseMessageBody.parse(req.body).message));
  });

  r.post('/admin/warranty-claims/:id/decision', async (req, res) => {
    const { id } = IdParams.parse(req.params);
    const { decision, resolution, note } = ClaimDecisionBody.parse(req.body);
    res.json(await d.warranty.move(id, decision, note, resolution));
  });
  r.post('/admin/warranty-claims/:id/status', async (req, res) => {
    const { id } = IdParams.parse(req.params);
    const { status, note } = ClaimOutcomeBody.parse(req.body);
    res.json(await d.warranty.move(id, status, note));
  });
  r.put('/admin/warranty-terms/:sku', async (req, res) => {
    const { sku } = SkuParams.parse(req.params);
    const { months } = WarrantyTermsBody.parse(req.body);
    await d.warranty.setTerm(sku, months);
    res.json({ sku, months });
  });

  r.get('/admin/support/cases', async (req, res) => {
    res.json(await d.support.list({ adminId: 'admin' }, CaseListQuery.parse(req.query)));
  });
  r.get('/admin/support/cases/:id', async (req, res) => {
    const { id } = IdParams.parse(req.params);
    res.json(await d.support.get({ adminId: 'admin' }, id));
  });
  r.post('/admins/:adminId/support/cases/:id/messages', async (req, res) => {
    const { adminId, id } = Admin.extend(IdParams.shape).parse(req.params);
    res.status(201).json(await d.support.message({ adminId }, id, CaseMessageBody.parse(req.body).message));
  });
  r.post('/admin/support/cases/:id/status', async (req, res) => {
    const { id } = IdParams.parse(req.params);
    res.json(await d.support.setStatus(id, CaseStatusBody.parse(req.body).status));
  });
  r.get('/admin/support/sla', async (req, res) => {
    const { from, to } = SlaQuery.parse(req.query);
    res.json(await d.support.sla(from, to));
  });
  return r;
}
