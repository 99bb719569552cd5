import { createHash } from 'node:crypto';
import { UpstreamProblemError } from '@dbcarts/errors';
import { problem, sendProblem } from '@dbcarts/http';
import type { InventoryClient, ReservationDto } from '@dbcarts/inventory/client';
import { OperationId, SkuParams } from '@dbcarts/inventory/contract';
import { type Response, Router } from 'express';
import { z } from 'zod';
import type { ClaimRate } from '../app/claim-rate';
import type { JwksTokenVerifier } from '../infra/jwks-token.verifier';
import { authenticate, principalOf } from './auth.middleware';
import { idempotencyKey } from './idempotency-key';
import { countClaim } from './edge.metrics';

export const ClaimBody = z.strictObject({ quantity: z.int().min(1).max(100).default(1) });
const ClaimParams = SkuParams.extend({ claimId: OperationId });

export interface FlashClaimsOptions {
  inventory: InventoryClient;
  verifier: JwksTokenVerifier;
  /** SKUs whose claims are paused by the live kill switch (`*`: every drop). */
  paused: () => readonly string[];
  /** The live claim rate per SKU (absent: no cap). */
  rate?: ClaimRate;
}

/**
 * Claims in a drop (shared/api-contract.md): one customer's request holds units at the flash price
 * until `expiresAt`, or is refused at once (sold out, over the customer's limit, no sale running).
 * Each claim is one reservation of the SKU's actor, reached through the batching inventory client,
 * so a burst of claims is a few actor turns and the actor alone decides caps and stock (no oversell,
 * no customer over their limit, whatever the concurrency). The claim id is derived from the customer
 * and the Idempotency-Key: a retry is the same reservation (replayed), and the id names its owner,
 * so nobody else can give it back or order it (the actor also checks the customer on reuse).
 */
export function flashClaimsRoutes(opts: FlashClaimsOptions): Router {
  const r = Router();
  const customer = authenticate(opts.verifier, 'customer');
  const me = (res: Response) => principalOf(res).sub;

  r.post('/api/flash-sales/:sku/claims', customer, async (req, res) => {
    const { sku } = SkuParams.parse(req.params);
    const key = idempotencyKey(req, res);
    if (!key) return;
    const { quantity } = ClaimBody.parse(req.body ?? {});
    const paused = opts.paused();
    if (paused.includes('*') || paused.includes(sku)) {
      countClaim('paused');
      return void sendProblem(res, notActive('Claims for this drop are paused; try again later.'));
    }
    const wait = await opts.rate?.admit(sku);
    if (wait) {
      countClaim('throttled');
      res.setHeader('Retry-After', String(wait));
      return void sendProblem(
        res,
        problem(
          429,
          'FLASH_SALE.BUSY',
          'Too many claims right now',
          'This drop takes claims at a set rate; try again shortly.',
        ),
      );
    }
    const customerId = me(res);
    const claimId = claimIdOf(customerId, key);
    const answer = await opts.inventory.reserve({ sku, reservationId: claimId, quantity, customerId, flashOnly: true });
    countClaim(answer.ok ? (answer.replayed ? 'replayed' : 'claimed') : answer.code);
    if (!answer.ok) {
      const p = answer.problem;
      // The key's first claim was for another quantity: the key is bound to that request.
      if (answer.code === 'INVENTORY.RESERVATION_MISMATCH') {
        return void sendProblem(
          res,
          problem(422, 'IDEMPOTENCY.KEY_REUSED', 'Idempotency-Key reused', 'This key was used for another claim.'),
        );
      }
      return void sendProblem(res, problem(p.status, p.code, p.title, p.detail));
    }
    if (answer.replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(201).location(`/api/flash-sales/${sku}/claims/${claimId}`).json(toClaim(answer.reservation));
  });

  r.delete('/api/flash-sales/:sku/claims/:claimId', customer, async (req, res) => {
    const { sku, claimId } = ClaimParams.parse(req.params);
    if (!claimId.startsWith(`c.${me(res)}.`)) return void sendProblem(res, claimNotFound());
    try {
      await opts.inventory.release(sku, claimId);
    } catch (e) {
      if (!(e instanceof UpstreamProblemError)) throw e;
      const { code, reservationStatus } = e.problem as { code: string; reservationStatus?: string };
      if (code === 'INVENTORY.RESERVATION_NOT_FOUND') return void sendProblem(res, claimNotFound());
      // Given back already, or lapsed: the units are in the drop either way, which is what was asked.
      const gone = code === 'INVENTORY.RESERVATION_SETTLED' && reservationStatus !== 'confirmed';
      if (!gone) throw e; // confirmed: it is an order's now (409 as inventory answered)
    }
    res.status(204).end();
  });
  return r;
}

/** `c.<customer>.<128 bits of sha256(customer, key)>`: stable per key, owned by its customer. */
export function claimIdOf(customerId: string, key: string): string {
  const digest = createHash('sha256').update(customerId).update('\n').update(key).digest('base64url');
  return `c.${customerId}.${digest.slice(0, 22)}`;
}

function toClaim(r: ReservationDto) {
  return { claimId: r.reservationId, sku: r.sku, quantity: r.quantity, unitPrice: r.unitPrice, expiresAt: r.expiresAt };
}

const notActive = (detail: string) => problem(409, 'FLASH_SALE.NOT_ACTIVE', 'Flash sale not active', detail);
const claimNotFound = () => problem(404, 'FLASH_SALE.CLAIM_NOT_FOUND', 'Claim not found', 'No such claim of yours.');
