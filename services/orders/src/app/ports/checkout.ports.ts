import type { Money } from '../../domain/order';

/** A reservation's answer: held (maybe at a flash-sale price) or refused with the owner's code. */
export type ReserveAnswer =
  | { ok: true; unitPrice?: Money }
  | { ok: false; code: string; status: number; detail?: string };

/** Stock, through the batching inventory client: every call is idempotent by reservation id. */
export interface StockPort {
  reserve(sku: string, reservationId: string, quantity: number, customerId: string): Promise<ReserveAnswer>;
  confirm(sku: string, reservationId: string): Promise<void>;
  /** Gives a hold back; safe on one that never existed, expired or was released already. */
  release(sku: string, reservationId: string): Promise<void>;
  /** Puts confirmed units back on hand (cancel after confirmation, returns); idempotent by restockId. */
  restock(sku: string, restockId: string, quantity: number): Promise<void>;
}

export interface CatalogPrice {
  name: string;
  /** The SKU's department (catalog category slug): department-scoped promotions apply by it. */
  department: string;
  price: Money;
}

/** Current catalog prices; a SKU the catalog does not have is absent from the map. */
export interface PricingPort {
  prices(skus: string[]): Promise<Map<string, CatalogPrice>>;
}

export type AuthorizeAnswer =
  | { ok: true }
  | { ok: false; code: string; kind: 'payment_required' | 'unavailable' | 'rejected'; detail?: string };

/** The payments service: every call idempotent by order (and refund id). */
export interface PaymentPort {
  authorize(req: {
    orderId: string;
    customerId: string;
    amount: Money;
    provider: string;
    token: string;
  }): Promise<AuthorizeAnswer>;
  // Each call names the order's customer: payments reads that customer's shard only (and keeps a
  // void's no-payment tombstone there), never every shard.
  capture(orderId: string, customerId: string): Promise<void>;
  /** Makes sure nothing is held for the order (also when authorize timed out or never happened). */
  void(orderId: string, customerId: string): Promise<void>;
  refund(orderId: string, customerId: string, refundId: string, amount: number): Promise<void>;
}

/** The customer's contact address for order emails. */
export interface CustomerPort {
  email(customerId: string): Promise<string>;
}

export type PromotionAnswer = { ok: true; discount: number } | { ok: false; code: string; detail?: string };

/** The promotions service: the order's discount, held during checkout; every call idempotent by order. */
export interface PromotionPort {
  /** Applies the coupon (if any) and the automatic discounts to the lines, and holds their uses. */
  reserve(req: {
    orderId: string;
    customerId: string;
    couponCode?: string;
    currency: string;
    lines: { sku: string; department?: string; quantity: number; unitPrice: number }[];
  }): Promise<PromotionAnswer>;
  /** The order is going through: its uses are spent. */
  commit(orderId: string): Promise<void>;
  /** The order failed or was cancelled: its uses come back (safe when it never reserved). */
  release(orderId: string): Promise<void>;
}
