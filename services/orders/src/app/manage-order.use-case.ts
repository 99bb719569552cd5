import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import type { ReturnRequest } from '../../contract';
import { fullyReturned, moveTo, NO_PAYMENT, type Order, planReturn } from '../domain/order';
import { OrderNotFoundError, OrderTransitionError } from '../domain/order.errors';
import { ORDERS } from './orders.tokens';
import type { PaymentPort, PromotionPort, StockPort } from './ports/checkout.ports';
import type { OrderRepositoryPort } from './ports/order.repository.port';

/** Who asks: a customer acts on their own orders only (someone else's → 404), an admin on any. */
export type Actor = { customerId: string } | { admin: true };

export interface ReturnEffect {
  returnId: string;
  refund: number;
  items: { sku: string; quantity: number }[];
}

/**
 * Lifecycle moves after confirmation. Each state change commits with its event (outbox) under the
 * order's version, so two concurrent moves cannot both apply. Money and stock follow the change:
 * done right after the commit and again by this service's own consumer of the event (settle*),
 * each step idempotent by order/return id, so a crash after the commit still ends settled.
 * Invariants: one capture per order (at shipment); a cancelled order holds no money and its units
 * are back on hand; refunds never exceed what was paid.
 */
@injectable()
export class ManageOrderUseCase {
  constructor(
    @inject(ORDERS.Orders) private readonly orders: OrderRepositoryPort,
    @inject(ORDERS.Stock) private readonly stock: StockPort,
    @inject(ORDERS.Payments) private readonly payments: PaymentPort,
    @inject(ORDERS.Promotions) private readonly promotions: PromotionPort,
  ) {}

  async get(actor: Actor, id: string): Promise<Order> {
    // A customer's request names its customer (one shard); an admin's the order id only.
    const order = await this.orders.find(id, 'customerId' in actor ? actor.customerId : undefined);
    // A failed order is not the customer's: it never took money or stock.
    if (!order || ('customerId' in actor && (order.customerId !== actor.customerId || order.status === 'failed'))) {
      throw new OrderNotFoundError(id);
    }
    return order;
  }

  async cancel(actor: Actor, id: string): Promise<Order> {
    const order = await this.get(actor, id);
    const cancelled = moveTo(order, 'cancelled', new Date());
    await this.commit(cancelled, order.version, 'orders.cancelled');
    await this.settleCancellation(cancelled);
    return cancelled;
  }

  /** Stock back on hand, the authorization voided (or refunded if captured meanwhile), coupon uses back. */
  async settleCancellation(order: Order): Promise<void> {
    await Promise.all(order.lines.map((l) => this.stock.restock(l.sku, `${order.id}:cancel:${l.sku}`, l.quantity)));
    if (order.paymentProvider !== NO_PAYMENT) await this.payments.void(order.id, order.customerId);
    await this.promotions.release(order.id);
  }

  /** Fulfilment: the payment is captured first, so a shipped order is always paid. */
  async ship(id: string): Promise<Order> {
    const order = await this.get({ admin: true }, id);
    const shipped = moveTo(order, 'shipped', new Date());
    if (order.paymentProvider !== NO_PAYMENT) await this.payments.capture(order.id, order.customerId);
    await this.commit(shipped, order.version, 'orders.shipped');
    return shipped;
  }

  async deliver(id: string): Promise<Order> {
    const order = await this.get({ admin: true }, id);
    const delivered = moveTo(order, 'delivered', new Date());
    await this.commit(delivered, order.version, 'orders.delivered');
    return delivered;
  }

  /** A free return within the window: refunded through the original provider, units restocked. */
  async return(actor: Actor, id: string, req: ReturnRequest): Promise<{ order: Order; effect: ReturnEffect }> {
    const order = await this.get(actor, id);
    const now = new Date();
    const plan = planReturn(order, req.items, now);
    const effect: ReturnEffect = {
      returnId: randomUUID(),
      refund: plan.refund,
      items: req.items.map((i) => ({ sku: i.sku, quantity: i.quantity })),
    };
    const next: Order = {
      ...order,
      lines: plan.lines,
      status: fullyReturned(plan.lines) ? 'returned' : order.status,
      version: order.version + 1,
      updatedAt: now,
    };
    const extra = {
      refund: { amount: effect.refund, currency: order.currency },
      returnId: effect.returnId,
      returnedItems: effect.items,
      returnReason: req.reason,
    };
    if (!(await this.orders.saveVersion(next, order.version, ['orders.returned'], extra))) {
      throw new OrderTransitionError(id, order.status, 'returned');
    }
    await this.settleReturn(order.id, order.customerId, effect);
    return { order: next, effect };
  }

  async settleReturn(orderId: string, customerId: string, effect: ReturnEffect): Promise<void> {
    await Promise.all(effect.items.map((i) => this.stock.restock(i.sku, `${effect.returnId}:${i.sku}`, i.quantity)));
    if (effect.refund > 0) await this.payments.refund(orderId, customerId, effect.returnId, effect.refund);
  }

  private async commit(
    next: Order,
    expectedVersion: number,
    event: 'orders.cancelled' | 'orders.shipped' | 'orders.delivered',
  ) {
    if (!(await this.orders.saveVersion(next, expectedVersion, [event]))) {
      throw new OrderTransitionError(next.id, 'changed meanwhile', next.status);
    }
  }
}
