import type { Sidecar } from '@dbcarts/dapr';
import { type Problem, UpstreamProblemError } from '@dbcarts/errors';
import {
  type PromotionDto,
  type PublicPromotionDto,
  QuoteBody,
  type QuoteDto,
  type QuoteRequest,
  type RedemptionDto,
  ReserveBody,
  type ReserveRequest,
} from '../contract';

export type {
  AppliedPromotionDto,
  CreatePromotionRequest,
  InvalidReason,
  LineInput,
  PromotionDto,
  PromotionKind,
  PublicPromotionDto,
  QuoteDto,
  QuoteLineDto,
  QuoteRequest,
  RedemptionDto,
  RedemptionStatus,
  ReserveRequest,
} from '../contract';
export { CreatePromotionBody, PROMOTION_ERRORS, PROMOTION_KINDS } from '../contract';

export const PROMOTIONS_APP_ID = 'promotions';

/** A refusal is a result the caller branches on (its code is one of PROMOTION_ERRORS), not an exception. */
export type PromotionResult<T> =
  | { ok: true; value: T; replayed: boolean }
  | { ok: false; code: string; status: number; problem: Problem };

/**
 * The only way other services talk to promotions: Dapr service invocation through their sidecar.
 *
 * Lines: orders sends each order line as `{sku, department?, quantity, unitPrice}` in minor units, at
 * the price the order charges (a flash-sale price included). `department` is the SKU's catalog
 * category slug and is needed only by department-scoped promotions; a line without it is simply not
 * eligible for them. The catalog's price lookup (catalog client `prices()`, SkuPriceDto) does not
 * carry the category today: it should add `category` (the product row has it, ProductDto.category),
 * and orders passes it through as `department`, which costs no extra call.
 */
export interface PromotionsClient {
  /** A preview for a cart (holds nothing). Refusals: PROMOTION.INVALID, PROMOTION.LIMIT_EXCEEDED (with customerId). */
  quote(req: QuoteRequest): Promise<PromotionResult<QuoteDto>>;
  /**
   * The saga's promotion step, always called at checkout (automatic discounts apply without a code).
   * Idempotent by orderId: retrying after a lost answer is safe and answers the first outcome. ok →
   * `value.discount` is the order's discount and `value.lines[i].discount` each line's share; status
   * `reserved` (commit or release later) or `none` (nothing applied, nothing to settle). Refusals
   * (422): PROMOTION.INVALID (`problem.reason`), PROMOTION.EXHAUSTED, PROMOTION.LIMIT_EXCEEDED,
   * PROMOTION.REQUEST_MISMATCH. A transport failure or 503 throws: retry with the same orderId.
   */
  reserve(req: ReserveRequest): Promise<PromotionResult<RedemptionDto>>;
  /**
   * When the order is confirmed. Idempotent. null: the order holds no redemption (status `none`).
   * Throws 409 PROMOTION.NOT_HELD when it was released, or its hold expired and the coupon has no use
   * left to take again.
   */
  commit(orderId: string): Promise<RedemptionDto | null>;
  /**
   * When the order fails or is cancelled: gives the use back exactly once. Safe to repeat, and safe on
   * an order that never reserved (a reserve arriving after it then holds nothing). null: nothing held.
   */
  release(orderId: string): Promise<RedemptionDto | null>;
  get(orderId: string): Promise<RedemptionDto | null>;
  /** Admin (gateway POST /api/promotions): the service validates the body; 400, 409 PROMOTION.CODE_TAKEN relayed. */
  create(body: unknown): Promise<PromotionDto>;
  /** Admin on/off switch by promotion id. */
  setActive(id: string, active: boolean): Promise<PromotionDto>;
  /** Public (gateway GET /api/promotions/{code}); 404 PROMOTION.NOT_FOUND relayed when unknown or not running. */
  promotion(code: string): Promise<PublicPromotionDto>;
}

export function createPromotionsClient(
  sidecar: Sidecar,
  appId = PROMOTIONS_APP_ID,
  timeoutMs = 5_000,
): PromotionsClient {
  const seg = encodeURIComponent;
  const call = async <T>(method: string, path: string, body?: unknown) =>
    (await sidecar.invokeService<T>(appId, method, path, { body, timeoutMs })).body;
  const orNull = async <T>(p: Promise<T>): Promise<T | null> => {
    try {
      return await p;
    } catch (e) {
      if (e instanceof UpstreamProblemError && e.problem.status === 404) return null;
      throw e;
    }
  };
  const result = async <T>(path: string, body: unknown): Promise<PromotionResult<T>> => {
    try {
      const res = await sidecar.invokeService<T>(appId, 'POST', path, { body, timeoutMs });
      return { ok: true, value: res.body, replayed: res.headers.get('idempotent-replayed') === 'true' };
    } catch (e) {
      if (e instanceof UpstreamProblemError && e.problem.status < 500) {
        return { ok: false, code: e.problem.code, status: e.problem.status, problem: e.problem };
      }
      throw e;
    }
  };
  return {
    quote: (req) => result('quotes', QuoteBody.parse(req)),
    reserve: (req) => result('redemptions', ReserveBody.parse(req)),
    commit: (orderId) => orNull(call<RedemptionDto>('POST', `redemptions/${seg(orderId)}/commit`)),
    release: (orderId) => orNull(call<RedemptionDto>('POST', `redemptions/${seg(orderId)}/release`)),
    get: (orderId) => orNull(call<RedemptionDto>('GET', `redemptions/${seg(orderId)}`)),
    create: (body) => call('POST', 'promotions', body),
    setActive: (id, active) => call('PATCH', `promotions/${seg(id)}`, { active }),
    promotion: (code) => call('GET', `promotions/${seg(code)}`),
  };
}
