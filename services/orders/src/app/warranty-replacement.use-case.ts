import { createHash } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { NO_PAYMENT, type Order } from '../domain/order';
import { CompensateOrder } from './compensate-order';
import { ORDERS } from './orders.tokens';
import { PlaceOrderUseCase } from './place-order.use-case';
import type { StockPort } from './ports/checkout.ports';
import type { OrderRepositoryPort } from './ports/order.repository.port';
import type { ClaimDecided } from './warranty-refund.use-case';
import { replacementOrderId } from './warranty-replacement-id';

export type ReplacementOutcome = 'ignored' | 'placed' | 'refused';

/**
 * A warranty claim that ended `replaced` (after-sales) sends the customer a new unit: a zero-price
 * order for one unit of the claim's line, to the original order's address, without a payment
 * (`paymentProvider` none: nothing to authorize, capture or void). It goes through the same steps as
 * a checkout (claimed under a key derived from the claim, stock reserved, confirmed with
 * orders.placed/confirmed in the outbox), so the recovery sweep finishes or undoes it like any order,
 * and a redelivered event finds the key and places nothing more. No stock → the order fails, nothing
 * is held, and the event is dead-lettered for support (`refused`).
 */
@injectable()
export class WarrantyReplacementUseCase {
  constructor(
    @inject(ORDERS.Orders) private readonly orders: OrderRepositoryPort,
    @inject(ORDERS.Stock) private readonly stock: StockPort,
    @inject(CompensateOrder) private readonly compensate: CompensateOrder,
    @inject(PlaceOrderUseCase) private readonly checkout: PlaceOrderUseCase,
  ) {}

  async execute(e: ClaimDecided): Promise<ReplacementOutcome> {
    if (e.status !== 'replaced') return 'ignored';
    const original = await this.orders.find(e.orderId, e.customerId);
    const line = original?.lines.find((l) => l.sku === e.sku);
    if (!original || original.customerId !== e.customerId || !line) return 'refused';
    const id = replacementOrderId(e.claimId);
    const now = new Date();
    const order: Order = {
      id,
      customerId: original.customerId,
      customerEmail: original.customerEmail,
      status: 'pending',
      sagaStep: 'reserving',
      currency: original.currency,
      // Final sale: a replacement is not returned for money (it cost nothing); its warranty is the claim's.
      lines: [
        {
          sku: line.sku,
          name: line.name,
          quantity: 1,
          unitPrice: 0,
          returned: 0,
          reservationId: `${id}:0`,
          department: line.department,
          finalSale: true,
        },
      ],
      subtotal: 0,
      discount: 0,
      total: 0,
      shippingAddress: original.shippingAddress,
      paymentProvider: NO_PAYMENT,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    const hash = createHash('sha256').update(e.claimId).digest('hex');
    const claim = await this.orders.createClaimed(order, `warranty-replacement:${e.claimId}`, hash);
    if (claim.kind === 'replay') return claim.response.status < 300 ? 'placed' : 'refused';
    // Another delivery of the same event is placing it: this one is redelivered and then replays.
    if (claim.kind === 'in_progress') throw new Error(`replacement ${id} is being placed`);
    if (claim.kind === 'reused') return 'refused';

    const held = await this.stock.reserve(line.sku, `${id}:0`, 1, order.customerId);
    if (!held.ok) {
      await this.compensate.rollBack(order, held.code);
      return 'refused';
    }
    const confirming: Order = { ...order, sagaStep: 'confirming', version: order.version + 1, updatedAt: new Date() };
    // Lost to the recovery sweep (a stall past ORDER_SAGA_STALE_SECONDS): it finishes the order.
    if (!(await this.orders.saveIf(confirming, 'reserving'))) return 'placed';
    const answer = await this.checkout.finish(confirming);
    return answer.status < 300 ? 'placed' : 'refused';
  }
}
