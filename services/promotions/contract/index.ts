import { z } from 'zod';

// The promotions service's wire contract, shared with orders (the checkout saga) and the gateway
// (admin API, public coupon view) through client/. Amounts are integer minor units throughout.

const Sku = z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,63}$/);
/** A department is a catalog category slug (ProductDto.category). */
const Department = z.string().regex(/^[a-z0-9-]{1,64}$/);
const Currency = z.string().regex(/^[A-Z]{3}$/);
const Minor = z.int().min(0).max(100_000_000);
const Instant = z.iso.datetime({ offset: true });
/** Order ids are UUIDs today; any key-shaped id is accepted so other callers can hold uses too. */
const OrderId = z.string().regex(/^[A-Za-z0-9:_-]{1,64}$/);
const CustomerId = z.string().min(1).max(64);
/**
 * A code as a customer typed it (orders passes it through): any short string. One that names no
 * coupon is PROMOTION.INVALID, not a 400, so a typo reads as a bad coupon and not as a bad request.
 */
const CouponCodeInput = z.string().trim().min(1).max(64);

export const PROMOTION_KINDS = ['percent', 'fixed'] as const;
export type PromotionKind = (typeof PROMOTION_KINDS)[number];

/**
 * POST /promotions (admin, through the gateway's POST /api/promotions). Without `code` it is an
 * automatic discount: it applies to every order in its window (so it needs `endsAt`) and has no caps.
 * `skus` and `departments` together are the scope (a line in either is eligible); both empty: every line.
 */
export const CreatePromotionBody = z
  .strictObject({
    code: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{2,39}$/, '3-40 letters, digits, _ or -')
      .transform((c) => c.toUpperCase())
      .optional(),
    kind: z.enum(PROMOTION_KINDS),
    /** percent: a whole percentage 1-100; fixed: minor units of `currency`. */
    value: z.int().min(1).max(100_000_000),
    /** Required for a fixed amount or a minimum subtotal (they are money); a bare percentage applies in any currency. */
    currency: Currency.optional(),
    minSubtotal: Minor.default(0),
    startsAt: Instant.optional(),
    endsAt: Instant.optional(),
    maxRedemptions: z.int().min(1).max(100_000_000).optional(),
    maxPerCustomer: z.int().min(1).max(10_000).optional(),
    skus: z
      .array(Sku)
      .max(500)
      .default([])
      .transform((s) => [...new Set(s)]),
    departments: z
      .array(Department)
      .max(100)
      .default([])
      .transform((d) => [...new Set(d)]),
  })
  .superRefine((b, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (b.kind === 'percent' && b.value > 100) issue('value', 'a percentage is at most 100');
    if (b.kind === 'fixed' && !b.currency) issue('currency', 'a fixed amount needs its currency');
    if (b.minSubtotal > 0 && !b.currency) issue('currency', 'a minimum subtotal needs its currency');
    if (b.startsAt && b.endsAt && Date.parse(b.endsAt) <= Date.parse(b.startsAt)) {
      issue('endsAt', 'endsAt must be after startsAt');
    }
    if (b.endsAt && Date.parse(b.endsAt) <= Date.now()) issue('endsAt', 'endsAt must be in the future');
    if (b.maxPerCustomer && b.maxRedemptions && b.maxPerCustomer > b.maxRedemptions) {
      issue('maxPerCustomer', 'maxPerCustomer cannot exceed maxRedemptions');
    }
    if (!b.code) {
      if (!b.endsAt) issue('endsAt', 'an automatic discount (no code) is time-limited: endsAt is required');
      if (b.maxRedemptions) issue('maxRedemptions', 'an automatic discount (no code) has no caps');
      if (b.maxPerCustomer) issue('maxPerCustomer', 'an automatic discount (no code) has no caps');
    }
  });
export type CreatePromotionRequest = z.input<typeof CreatePromotionBody>;
export type CreatePromotionCommand = z.output<typeof CreatePromotionBody>;

/** PATCH /promotions/{id}: the admin's on/off switch (automatic discounts have no code). */
export const UpdatePromotionBody = z.strictObject({ active: z.boolean() });

export const CodeParams = z.strictObject({ code: CouponCodeInput });
export const IdParams = z.strictObject({ id: z.uuid() });

/** One order line as orders prices it. `department` is needed only for department-scoped promotions. */
export const LineInput = z.strictObject({
  sku: Sku,
  department: Department.optional(),
  quantity: z.int().min(1).max(1_000),
  /** Minor units: the price the order charges for one unit (a flash-sale price included). */
  unitPrice: Minor,
});
export type LineInput = z.infer<typeof LineInput>;

const Lines = z.array(LineInput).min(1).max(100);

/** POST /quotes: what an order would get, holding nothing (a cart's preview). */
export const QuoteBody = z.strictObject({
  /** With it, the customer's per-customer cap is checked too (still holding nothing). */
  customerId: CustomerId.optional(),
  couponCode: CouponCodeInput.optional(),
  currency: Currency,
  lines: Lines,
});
export type QuoteRequest = z.infer<typeof QuoteBody>;

/**
 * POST /redemptions: the checkout saga's promotion step. Idempotent by orderId: the same order again
 * answers its first outcome (refusals included) and never holds a second use. A granted coupon holds
 * one use of its global cap and of the customer's until commit, release or the hold time runs out.
 */
export const ReserveBody = z.strictObject({
  orderId: OrderId,
  customerId: CustomerId,
  couponCode: CouponCodeInput.optional(),
  currency: Currency,
  lines: Lines,
});
export type ReserveRequest = z.infer<typeof ReserveBody>;

export const OrderIdParams = z.strictObject({ orderId: OrderId });

export interface AppliedPromotionDto {
  promotionId: string;
  /** null: an automatic discount. */
  code: string | null;
  kind: PromotionKind;
  value: number;
  discount: number;
}

export interface QuoteLineDto {
  sku: string;
  quantity: number;
  unitPrice: number;
  /** This line's share of the discount (never more than quantity × unitPrice): returns refund by it. */
  discount: number;
}

/** The priced order: subtotal − discount = total, and the lines' discounts add up to `discount`. */
export interface QuoteDto {
  currency: string;
  subtotal: number;
  discount: number;
  total: number;
  /** In the request's order. */
  lines: QuoteLineDto[];
  /** Automatic discounts first, then the coupon. */
  applied: AppliedPromotionDto[];
}

/**
 * reserved: a coupon's use is held until holdUntil; committed: the order is confirmed; released:
 * given back (the order failed or was cancelled); expired: the hold ran out and was given back by the
 * sweep; none: nothing applied and no coupon (nothing stored, nothing to commit or release).
 */
export type RedemptionStatus = 'reserved' | 'committed' | 'released' | 'expired' | 'none';

export interface RedemptionDto extends QuoteDto {
  orderId: string;
  status: RedemptionStatus;
  /** The coupon the order used (upper case), or null. */
  couponCode: string | null;
  holdUntil: string | null;
}

/** The admin's view of a promotion (POST/PATCH answers). */
export interface PromotionDto {
  id: string;
  code: string | null;
  automatic: boolean;
  kind: PromotionKind;
  value: number;
  currency: string | null;
  minSubtotal: number;
  startsAt: string | null;
  endsAt: string | null;
  maxRedemptions: number | null;
  maxPerCustomer: number | null;
  skus: string[];
  departments: string[];
  active: boolean;
  /** Uses held now: reserved plus committed. */
  used: number;
  createdAt: string;
}

/** GET /promotions/{code}: what a shopper may see of a running coupon (no caps, no counts). */
export interface PublicPromotionDto {
  code: string;
  kind: PromotionKind;
  value: number;
  currency: string | null;
  minSubtotal: number;
  startsAt: string | null;
  endsAt: string | null;
  skus: string[];
  departments: string[];
}

/** Stable problem codes callers branch on. */
export const PROMOTION_ERRORS = {
  invalid: 'PROMOTION.INVALID', // 422: unknown or inactive code, outside its window, minimum not met, no eligible line, other currency (`reason`)
  exhausted: 'PROMOTION.EXHAUSTED', // 422: the coupon's global cap is reached
  limitExceeded: 'PROMOTION.LIMIT_EXCEEDED', // 422: the customer's own cap on the coupon is reached
  notFound: 'PROMOTION.NOT_FOUND', // 404: no running coupon by that code; no redemption for that order
  codeTaken: 'PROMOTION.CODE_TAKEN', // 409: a promotion with that code (case-insensitively) exists
  requestMismatch: 'PROMOTION.REQUEST_MISMATCH', // 422: the same order id again with another customer, coupon or lines
  notHeld: 'PROMOTION.NOT_HELD', // 409: commit of a redemption that was released, or expired with no use left to retake
} as const;

/** `reason` of PROMOTION.INVALID: the domain's list, one definition. */
export type { InvalidReason } from '../src/domain/promotion.errors';
