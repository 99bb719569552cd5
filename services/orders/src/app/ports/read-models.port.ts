import type { OrderEvent } from '../../../contract';
import type { Cart } from '../../domain/cart';
import type { Invoice } from '../../domain/invoice';

export interface CartStorePort {
  /** The cart and a version token for a conditional save (undefined for a new cart). */
  load(customerId: string): Promise<{ cart: Cart; etag?: string }>;
  /** false when the cart changed since `etag` (the caller reloads and retries). */
  saveIf(customerId: string, cart: Cart, etag?: string): Promise<boolean>;
}

export interface OrderSummary {
  id: string;
  status: string;
  total: { amount: number; currency: string };
  itemCount: number;
  createdAt: string;
  updatedAt: string;
}

/** The order history read model (CQRS), fed by orders.* events. */
export interface OrderHistoryPort {
  /** Applies the event if it is newer than what the model holds; false when it was not. */
  apply(event: OrderEvent): Promise<boolean>;
  list(customerId: string, page: number, pageSize: number): Promise<{ items: OrderSummary[]; total: number }>;
  /** Admin view: all orders, optionally by status and creation date range. */
  listAll(q: { status?: string; from?: Date; to?: Date; page: number; pageSize: number }): Promise<{
    items: (OrderSummary & { customerId: string })[];
    total: number;
  }>;
}

/**
 * Invoices: the next number of the year is taken in the same transaction as the invoice is stored
 * (gapless: a rolled-back invoice gives its number back), and issuing twice for one order keeps
 * the first (a redelivered orders.confirmed).
 */
export interface InvoiceStorePort {
  issue(orderId: string, issuedAt: Date, build: (number: string) => Invoice): Promise<Invoice>;
  find(orderId: string): Promise<Invoice | undefined>;
}
