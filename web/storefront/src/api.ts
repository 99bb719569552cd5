import { accessToken, signedOut } from './auth';
import type { Money } from './money';

/** An RFC 9457 problem from the API (or a network failure described the same way). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
  }
}

export interface Answer<T> {
  status: number;
  body: T;
  headers: Headers;
}

const MESSAGES: Record<string, string> = {
  'PAYMENT.DECLINED': 'Your card was declined. No money was taken and no order was placed; try another card.',
  'PAYMENT.UNAVAILABLE': 'The payment provider is not answering. No money was taken; please try again shortly.',
  'INVENTORY.INSUFFICIENT': 'Sorry, there is not enough stock left for an item in your cart.',
  'FLASH_SALE.SOLD_OUT': 'Sold out: every unit of this drop has been claimed.',
  'FLASH_SALE.LIMIT_EXCEEDED': 'You already hold as many of this drop as one customer may.',
  'FLASH_SALE.NOT_ACTIVE': 'This drop is not running right now.',
  'USER.EMAIL_TAKEN': 'An account with this email already exists. Sign in instead.',
  'ORDER.NOT_CANCELLABLE': 'This order has shipped and can no longer be cancelled; start a return once it arrives.',
  'PROMOTION.INVALID': 'That coupon cannot be used for this order.',
  'ORDER.RETURN_WINDOW_CLOSED': 'The return window for this item has closed.',
  'ORDER.RETURN_FINAL_SALE': 'Final-sale items (such as drop purchases) cannot be returned.',
  'ORDER.RETURN_QUANTITY': 'That is more than can still be returned of this item.',
};

/** Calls the API on this origin with the session's token; throws ApiError for a problem answer. */
export async function api<T>(
  method: string,
  path: string,
  opts: { body?: unknown; idempotencyKey?: string; auth?: boolean } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
  if (opts.auth !== false) {
    const token = await accessToken();
    if (token) headers.authorization = `Bearer ${token}`;
  }
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The shop cannot be reached. Check your connection and try again.');
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  if (res.status >= 400) {
    const p = (body ?? {}) as {
      code?: string;
      detail?: string;
      title?: string;
      errors?: { path?: string; message?: string }[];
    };
    if (res.status === 401) signedOut();
    const code = p.code ?? `HTTP.${res.status}`;
    // Validation problems name their fields: say which, so the customer knows what to fix.
    const fields = p.errors?.map((e) => e.path).filter(Boolean) ?? [];
    if (fields.length) p.detail = `${p.detail ?? 'Check the form.'} (${fields.join(', ')})`;
    throw new ApiError(
      res.status,
      code,
      MESSAGES[code] ?? p.detail ?? p.title ?? `Request failed (${res.status})`,
      body,
    );
  }
  return { status: res.status, body: body as T, headers: res.headers };
}

export const newKey = () => crypto.randomUUID();

// The shapes the storefront reads (api-contract.md).
export interface Category {
  id: string;
  slug: string;
  name: string;
}
export interface ProductSummary {
  id: string;
  sku: string;
  name: string;
  category: string;
  price: Money;
  available: number;
}
export interface Product extends Omit<ProductSummary, 'available'> {
  brand?: string;
  description?: string;
  categoryName?: string;
  attributes?: Record<string, string>;
  warranty?: { months: number; terms: string };
}
export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}
export interface Availability {
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
}
export interface Cart {
  items: { sku: string; quantity: number; unitPrice: Money }[];
  subtotal: Money;
}
export interface OrderLine {
  sku: string;
  name: string;
  quantity: number;
  unitPrice: Money;
  lineTotal: Money;
  returned?: number;
  /** Catalog department at checkout (the returns policy's window), null on old orders. */
  department?: string | null;
  /** Bought in a drop: never returnable. */
  finalSale?: boolean;
}
export interface Order {
  id: string;
  status: string;
  items: OrderLine[];
  subtotal: Money;
  discount: Money;
  total: Money;
  createdAt: string;
  updatedAt?: string;
  /** When it was delivered; null before. */
  deliveredAt?: string | null;
}
export interface FlashSale {
  id: string;
  sku: string;
  price: Money;
  startsAt: string;
  endsAt: string;
  quantity: number;
  remaining: number;
  perCustomerLimit: number;
}
export interface Claim {
  claimId: string;
  sku: string;
  quantity: number;
  unitPrice: Money;
  expiresAt: string;
}
