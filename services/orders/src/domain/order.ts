import { decideReturn, type RefundLine, type ReturnItem } from '@dbcarts/returns-policy';
import type { Money, OrderStatus, ShippingAddress } from './order.types';
import {
  FinalSaleError,
  MixedCurrencyError,
  NotCancellableError,
  OrderTransitionError,
  ReturnQuantityError,
  ReturnWindowClosedError,
} from './order.errors';

export type { Money, OrderStatus, ShippingAddress } from './order.types';

/** Returns are free and accepted this long after delivery (the exceptions: @dbcarts/returns-policy). */
export { RETURN_WINDOW_DAYS } from '@dbcarts/returns-policy';

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
  /**
   * The product's catalog category slug at checkout: the returns policy's department exceptions
   * (opened electronics: 15 days) apply by what the line was sold as. Absent on orders placed before
   * it was kept (they get the general 30 days).
   */
  department?: string;
  /**
   * Sold as final sale (never returnable): a line bought at a flash-drop price through a claim. The
   * catalog has no final-sale flag of its own; a drop's price is the clearance price.
   */
  finalSale?: boolean;
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

/**
 * `paymentProvider` of an order that takes no money (a warranty replacement): nothing is authorized,
 * captured, voided or refunded for it.
 */
export const NO_PAYMENT = 'none';

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

export type ReturnLine = ReturnItem;

/**
 * What a return refunds, decided by the shared returns policy (window per line: 30 days, opened
 * electronics 15, final sale never; at most what is left of a line; each unit at what it was paid
 * less its share of the discount, no fee).
 */
export function planReturn(
  order: Order,
  items: ReturnLine[],
  now: Date,
): { refund: number; refunds: RefundLine[]; lines: OrderLine[] } {
  if (order.status !== 'delivered' || !order.deliveredAt)
    throw new OrderTransitionError(order.id, order.status, 'returned');
  const decision = decideReturn(
    { deliveredAt: order.deliveredAt, lines: order.lines, subtotal: order.subtotal, discount: order.discount },
    items,
    now,
  );
  if (!decision.ok) {
    const r = decision.refusal;
    if (r.code === 'ORDER.RETURN_WINDOW_CLOSED') throw new ReturnWindowClosedError(order.id, r.days, r.sku);
    if (r.code === 'ORDER.RETURN_FINAL_SALE') throw new FinalSaleError(order.id, r.sku);
    throw new ReturnQuantityError(order.id, r.sku, r.returnable);
  }
  // The plan's lines are copies of ours with `returned` moved: keep every other field as it was.
  const lines = order.lines.map((l, n) => ({ ...l, returned: decision.plan.lines[n]?.returned ?? l.returned }));
  return { refund: decision.plan.refund, refunds: decision.plan.refunds, lines };
}

/**
 * What a warranty refund of one unit of `sku` gives back: the unit as it was paid, less its share of
 * the order's discount (rounded up, so the shares never add up to less than the discount): never more
 * than a return of that unit would refund.
 */
export function warrantyRefundAmount(order: Order, sku: string): number | undefined {
  const line = order.lines.find((l) => l.sku === sku);
  if (!line) return undefined;
  const share = order.subtotal > 0 ? Math.ceil((order.discount * line.unitPrice) / order.subtotal) : 0;
  return Math.max(0, line.unitPrice - share);
}

export function fullyReturned(lines: OrderLine[]): boolean {
  return lines.every((l) => l.returned >= l.quantity);
}

export function money(amount: number, currency: string): Money {
  return { amount, currency };
}
