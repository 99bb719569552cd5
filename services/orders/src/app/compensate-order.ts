import type { DomainError } from '@dbcarts/errors';
import { inject, injectable } from 'tsyringe';
import type { Order } from '../domain/order';
import { CheckoutRefusedError } from '../domain/order.errors';
import { ORDERS } from './orders.tokens';
import type { PaymentPort, PromotionPort, StockPort } from './ports/checkout.ports';
import type { OrderRepositoryPort, StoredResponse } from './ports/order.repository.port';
import { failureResponse } from './order.view';

/**
 * Undoes a pending order's saga: every reservation released, the payment voided (a void is safe
 * when nothing was authorized, and covers an authorization whose answer was lost), then the order
 * failed and its request answered, in one transaction. Each call is idempotent, so a crash halfway
 * is finished by the next sweep. Never used once the saga is `confirming`.
 */
@injectable()
export class CompensateOrder {
  constructor(
    @inject(ORDERS.Orders) private readonly orders: OrderRepositoryPort,
    @inject(ORDERS.Stock) private readonly stock: StockPort,
    @inject(ORDERS.Payments) private readonly payments: PaymentPort,
    @inject(ORDERS.Promotions) private readonly promotions: PromotionPort,
  ) {}

  /** The stored answer; undefined when the order was taken over by someone else meanwhile. */
  async rollBack(order: Order, code: string, cause?: DomainError): Promise<StoredResponse | undefined> {
    if (order.sagaStep === 'confirming' || order.status !== 'pending') return undefined;
    const claimed: Order = { ...order, sagaStep: 'compensating', version: order.version + 1, updatedAt: new Date() };
    if (!(await this.orders.saveIf(claimed, order.sagaStep))) return undefined;
    // Stock first: it is what other customers are waiting for.
    await Promise.all(claimed.lines.map((l) => this.stock.release(l.sku, l.reservationId)));
    if (order.sagaStep !== 'reserving') await this.payments.void(order.id, order.customerId);
    // Safe whether or not it reserved (a reserve arriving later then holds nothing).
    await this.promotions.release(order.id);
    const failed: Order = {
      ...claimed,
      status: 'failed',
      failureCode: code,
      version: claimed.version + 1,
      updatedAt: new Date(),
    };
    const response = failureResponse(
      cause ?? new CheckoutRefusedError(code, 'unavailable', 'The order could not be completed; nothing was charged.'),
    );
    return (await this.orders.saveIf(failed, 'compensating', { idempotentResponse: response })) ? response : undefined;
  }
}
