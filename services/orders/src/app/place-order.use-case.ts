import { randomUUID } from 'node:crypto';
import { DomainError } from '@dbcarts/errors';
import { inject, injectable } from 'tsyringe';
import type { CreateOrderRequest } from '../../contract';
import { type Order, type OrderLine, priceLines } from '../domain/order';
import { CheckoutRefusedError, UnknownProductError } from '../domain/order.errors';
import { CompensateOrder } from './compensate-order';
import { earlierAnswer, runOnce } from './idempotent-request';
import { ORDERS } from './orders.tokens';
import type { CustomerPort, PaymentPort, PricingPort, PromotionPort, StockPort } from './ports/checkout.ports';
import type { OrderRepositoryPort, StoredResponse } from './ports/order.repository.port';
import { failureResponse, orderResponse } from './order.view';
import { measuredSaga, sagaRefused } from './saga.metrics';

export interface PlaceOrderCommand {
  customerId: string;
  idempotencyKey: string;
  requestHash: string;
  request: CreateOrderRequest;
}

/**
 * POST /orders as a saga: reserve every line (flash-sale prices come back with the reservation)
 * and price the rest from the catalog → authorize the payment → confirm the reservations →
 * confirmed. Each step is persisted before it starts; a refused step undoes the earlier ones
 * (release stock, void the authorization), so a failed order holds no stock and no money.
 * Invariants: one order and one authorization per (customer, Idempotency-Key); a customer is never
 * charged for an order that is not confirmed. A crash anywhere is finished by the recovery sweep.
 */
@injectable()
export class PlaceOrderUseCase {
  constructor(
    @inject(ORDERS.Orders) private readonly orders: OrderRepositoryPort,
    @inject(ORDERS.Stock) private readonly stock: StockPort,
    @inject(ORDERS.Pricing) private readonly pricing: PricingPort,
    @inject(ORDERS.Payments) private readonly payments: PaymentPort,
    @inject(ORDERS.Promotions) private readonly promotions: PromotionPort,
    @inject(ORDERS.Customers) private readonly customers: CustomerPort,
    @inject(CompensateOrder) private readonly compensate: CompensateOrder,
  ) {}

  /**
   * The answer to send (and, under the key, to replay), and whether it is a replay. The key is
   * claimed in the transaction that records the order, and the saga stores the answer with its
   * last transition: one commit each instead of three more around them.
   */
  async execute(cmd: PlaceOrderCommand): Promise<{ response: StoredResponse; replayed: boolean }> {
    const orderId = randomUUID();
    let order: Order;
    let departments: Map<string, string>;
    try {
      ({ order, departments } = await this.open(orderId, cmd));
    } catch (e) {
      // A refusal before anything happened (an unknown SKU) is the key's answer like any other.
      if (!(e instanceof DomainError) || e.kind === 'unavailable') throw e;
      const claim = { customerId: cmd.customerId, key: cmd.idempotencyKey, hash: cmd.requestHash, orderId };
      const refused = await runOnce(this.orders, claim, () => Promise.reject(e));
      if (!refused.replayed) sagaRefused(refused.response);
      return refused;
    }
    const earlier = earlierAnswer(await this.orders.createClaimed(order, cmd.idempotencyKey, cmd.requestHash));
    return earlier ?? { response: await measuredSaga(() => this.run(order, cmd, departments)), replayed: false };
  }

  /** Checks what can be checked without side effects and builds the pending order. */
  private async open(
    orderId: string,
    cmd: PlaceOrderCommand,
  ): Promise<{ order: Order; departments: Map<string, string> }> {
    const { request } = cmd;
    const [email, prices] = await Promise.all([
      this.customers.email(cmd.customerId),
      this.pricing.prices(request.items.map((i) => i.sku)),
    ]);
    const lines: OrderLine[] = request.items.map((item, n) => {
      const price = prices.get(item.sku);
      if (!price) throw new UnknownProductError(item.sku);
      return {
        sku: item.sku,
        name: price.name,
        quantity: item.quantity,
        unitPrice: price.price.amount,
        returned: 0,
        // A claim from a flash drop is already a reservation: the order takes it over.
        reservationId: item.claimId ?? `${orderId}:${n}`,
        // Snapshots for the returns policy (see OrderLine): department now, not what it is filed under later.
        department: price.department,
        finalSale: item.claimId !== undefined,
      };
    });
    const { currency, subtotal } = priceLines(
      lines,
      request.items.map((i) => prices.get(i.sku)?.price.currency ?? ''),
    );
    const now = new Date();
    const order: Order = {
      id: orderId,
      customerId: cmd.customerId,
      customerEmail: email,
      status: 'pending',
      sagaStep: 'reserving',
      currency,
      lines,
      subtotal,
      discount: 0,
      total: subtotal,
      shippingAddress: request.shippingAddress,
      paymentProvider: request.payment.provider,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    return { order, departments: new Map([...prices].map(([sku, p]) => [sku, p.department])) };
  }

  private async run(opened: Order, cmd: PlaceOrderCommand, departments: Map<string, string>): Promise<StoredResponse> {
    let order = opened;
    try {
      // 1. Stock for every line at once (the batching client folds concurrent calls per SKU).
      const answers = await Promise.all(
        order.lines.map((l) => this.stock.reserve(l.sku, l.reservationId, l.quantity, order.customerId)),
      );
      const refused = answers.find((a) => !a.ok);
      if (refused && !refused.ok) {
        const kind = refused.status === 503 ? 'unavailable' : 'conflict';
        throw new CheckoutRefusedError(refused.code, kind, refused.detail ?? 'Not enough stock for this order.');
      }
      // Flash-sale prices come with the reservation and win over the catalog's.
      const lines = order.lines.map((l, n) => {
        const a = answers[n];
        return a?.ok && a.unitPrice ? { ...l, unitPrice: a.unitPrice.amount } : l;
      });
      const { subtotal } = priceLines(lines, [order.currency]);
      const linesChanged = lines.some((l, n) => l !== order.lines[n]);

      // 2. The discount at the prices now final (a coupon and automatic discounts), its uses held.
      const discount = await this.discount(order, lines, cmd.request.couponCode, departments);
      order = await this.step(
        { ...order, lines, subtotal, discount, total: subtotal - discount, sagaStep: 'authorizing' },
        'reserving',
        linesChanged,
      );

      // 3. Money: held, not taken (captured at shipment).
      const auth = await this.payments.authorize({
        orderId: order.id,
        customerId: order.customerId,
        amount: { amount: order.total, currency: order.currency },
        provider: order.paymentProvider,
        token: cmd.request.payment.token,
      });
      if (!auth.ok)
        throw new CheckoutRefusedError(auth.code, auth.kind, auth.detail ?? 'The payment was not authorized.');
      // The uses are spent while the order can still be undone (a compensation gives them back).
      await this.promotions.commit(order.id);
      order = await this.step({ ...order, sagaStep: 'confirming' }, 'authorizing');

      // 4. Past this point the order is confirmed, whatever happens: finishing is the only way on.
      return await this.finish(order);
    } catch (e) {
      if (e instanceof StepLostError) return this.answerOf(order.customerId, e.orderId);
      const code = e instanceof DomainError ? e.code : 'DEPENDENCY.UNAVAILABLE';
      if (order.sagaStep === 'confirming') throw e; // the sweep rolls it forward; never undo a confirmed payment
      const failed = await this.compensate.rollBack(order, code, e instanceof DomainError ? e : undefined);
      return failed ?? this.answerOf(order.customerId, order.id);
    }
  }

  /** The order's discount, or the promotion's refusal (422) that fails the order. */
  private async discount(
    order: Order,
    lines: OrderLine[],
    couponCode: string | undefined,
    departments: Map<string, string>,
  ): Promise<number> {
    const promo = await this.promotions.reserve({
      orderId: order.id,
      customerId: order.customerId,
      couponCode,
      currency: order.currency,
      lines: lines.map((l) => ({
        sku: l.sku,
        department: departments.get(l.sku),
        quantity: l.quantity,
        unitPrice: l.unitPrice,
      })),
    });
    if (!promo.ok) {
      throw new CheckoutRefusedError(promo.code, 'rejected', promo.detail ?? 'The promotion cannot be applied.');
    }
    return promo.discount;
  }

  /** Confirms every reservation and the order, answering the request in the same transaction. */
  async finish(order: Order): Promise<StoredResponse> {
    await Promise.all(order.lines.map((l) => this.stock.confirm(l.sku, l.reservationId)));
    const confirmed: Order = {
      ...order,
      status: 'confirmed',
      sagaStep: 'done',
      version: order.version + 1,
      updatedAt: new Date(),
    };
    const response = orderResponse(confirmed, 201);
    // Placed and confirmed together: a failed order never appears downstream at all.
    const saved = await this.orders.saveIf(confirmed, 'confirming', {
      events: ['orders.placed', 'orders.confirmed'],
      idempotentResponse: response,
    });
    return saved ? response : this.answerOf(order.customerId, order.id);
  }

  /** Moves the saga one step on, unless someone else (the recovery sweep) took the order over. */
  private async step(next: Order, from: Order['sagaStep'], linesChanged = false): Promise<Order> {
    const moved = { ...next, version: next.version + 1, updatedAt: new Date() };
    if (!(await this.orders.saveIf(moved, from, { linesChanged }))) throw new StepLostError(next.id);
    return moved;
  }

  /** What the order's final state says, for a request that lost its order to the sweep. */
  private async answerOf(customerId: string, orderId: string): Promise<StoredResponse> {
    const order = await this.orders.find(orderId, customerId);
    if (order?.status === 'confirmed') return orderResponse(order, 201);
    return failureResponse(
      new CheckoutRefusedError(
        order?.failureCode ?? 'ORDER.FAILED',
        'unavailable',
        'The order could not be completed.',
      ),
    );
  }
}

/** The order's saga moved on without this request (taken over by the recovery sweep). */
class StepLostError extends Error {
  constructor(readonly orderId: string) {
    super(`order ${orderId}: saga taken over`);
  }
}
