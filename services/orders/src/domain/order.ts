import type { Money, OrderStatus, ShippingAddress } from './order.types';
import {
  MixedCurrencyError,
  NotCancellableError,
  OrderTransitionError,
  ReturnQuantityError,
  ReturnWindowClosedError,
} from './order.errors';

export type { Money, OrderStatus, ShippingAddress } from './order.types';

/** Returns are free and accepted this long after delivery. */
export const RETURN_WINDOW_DAYS = 30;
const DAY_MS = 86_400_000;

/**
 * Where a pending order's saga stands. Each step is persisted before it starts, so a restarted
 * service knows what to undo (or, once the payment is authorized and the order is `confirming`,
 * what to finish): reserving → authorizing → confirming → done; compensating when rolled back.
 */
export type SagaStep = 'reserving' | 'authorizing' | 'confirming' | 'done' | 'compensating';

export interface OrderLine {
  sku: string;
  name: string;
  quantity: number;
  /** Minor units; the flash-sale price when the reservation came with one. */
  unitPrice: number;
  returned: number;
  reservationId: string;
}

export interface Order {
  id: string;
  customerId: string;
  customerEmail: string;
  status: OrderStatus;
  sagaStep: SagaStep;
  currency: string;
  lines: OrderLine[];
  subtotal: number;
  discount: number;
  total: number;
  shippingAddress: ShippingAddress;
  paymentProvider: string;
  /** Why a failed order failed (a stable code), for the replayed answer and support. */
  failureCode?: string;
  /** Increases with every change: events carry it so read models apply only newer ones. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
  deliveredAt?: Date;
}

// Legal moves of the public lifecycle; anything else is refused (409).
const NEXT: Record<OrderStatus, readonly OrderStatus[]> = {
  pending: ['confirmed', 'failed'],
  confirmed: ['shipped', 'cancelled'],
  shipped: ['delivered'],
  delivered: ['returned'],
  cancelled: [],
  returned: [],
  failed: [],
};

export function canMove(from: OrderStatus, to: OrderStatus): boolean {
  return NEXT[from].includes(to);
}

/** The order after a lifecycle move; refuses illegal ones. */
export function moveTo(order: Order, to: OrderStatus, now: Date): Order {
  if (!canMove(order.status, to)) {
    if (to === 'cancelled') throw new NotCancellableError(order.id, order.status);
    throw new OrderTransitionError(order.id, order.status, to);
  }
  return {
    ...order,
    status: to,
    version: order.version + 1,
    updatedAt: now,
    ...(to === 'delivered' ? { deliveredAt: now } : {}),
  };
}

/** Line prices and totals in one currency (integer minor units; no discounts until promotions). */
export function priceLines(lines: OrderLine[], currencies: string[]): { currency: string; subtotal: number } {
  const distinct = [...new Set(currencies)];
  if (distinct.length !== 1 || !distinct[0]) throw new MixedCurrencyError(distinct);
  return { currency: distinct[0], subtotal: lines.reduce((sum, l) => sum + l.unitPrice * l.quantity, 0) };
}

export interface ReturnLine {
  sku: string;
  quantity: number;
}

/**
 * What a return refunds: each unit at what it was paid, less its share of the order's discount,
 * rounded down so refunds never add up to more than was paid. Free: no fee is kept.
 */
export function planReturn(order: Order, items: ReturnLine[], now: Date): { refund: number; lines: OrderLine[] } {
  if (order.status !== 'delivered' || !order.deliveredAt)
    throw new OrderTransitionError(order.id, order.status, 'returned');
  if (now.getTime() - order.deliveredAt.getTime() > RETURN_WINDOW_DAYS * DAY_MS) {
    throw new ReturnWindowClosedError(order.id, RETURN_WINDOW_DAYS);
  }
  const lines = order.lines.map((l) => ({ ...l }));
  let gross = 0;
  for (const item of items) {
    const line = lines.find((l) => l.sku === item.sku);
    if (!line || line.quantity - line.returned < item.quantity) {
      throw new ReturnQuantityError(order.id, item.sku, line ? line.quantity - line.returned : 0);
    }
    line.returned += item.quantity;
    gross += line.unitPrice * item.quantity;
  }
  const share = order.subtotal > 0 ? Math.floor((order.discount * gross) / order.subtotal) : 0;
  return { refund: gross - share, lines };
}

export function fullyReturned(lines: OrderLine[]): boolean {
  return lines.every((l) => l.returned >= l.quantity);
}

export function money(amount: number, currency: string): Money {
  return { amount, currency };
}
