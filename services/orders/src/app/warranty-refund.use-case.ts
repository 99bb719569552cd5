import { DomainError } from '@dbcarts/errors';
import { inject, injectable } from 'tsyringe';
import { warrantyRefundAmount } from '../domain/order';
import { ORDERS } from './orders.tokens';
import type { PaymentPort } from './ports/checkout.ports';
import type { OrderRepositoryPort } from './ports/order.repository.port';

/** The fields of after-sales' warranty.claim-decided this consumer reads. */
export interface ClaimDecided {
  claimId: string;
  orderId: string;
  customerId: string;
  sku: string;
  status: string;
}

export type WarrantyRefundOutcome = 'ignored' | 'refunded' | 'refused';

/**
 * A warranty claim that ended `refunded` (after-sales) gives one unit of its line back through the
 * original payment method: payments is reached by orders only, so orders consumes the event. The
 * refund id is derived from the claim, so a redelivered or repeated event refunds once (payments
 * answers a known refund id with its first outcome); payments also never refunds more than was
 * captured. A claim naming another customer's order, an unknown line, or a refund payments refuses
 * is `refused` (dead-lettered, kept for support); a fault throws (redelivered).
 */
@injectable()
export class WarrantyRefundUseCase {
  constructor(
    @inject(ORDERS.Orders) private readonly orders: OrderRepositoryPort,
    @inject(ORDERS.Payments) private readonly payments: PaymentPort,
  ) {}

  async execute(e: ClaimDecided): Promise<WarrantyRefundOutcome> {
    if (e.status !== 'refunded') return 'ignored';
    const order = await this.orders.find(e.orderId, e.customerId);
    if (!order || order.customerId !== e.customerId) return 'refused';
    const amount = warrantyRefundAmount(order, e.sku);
    if (amount === undefined) return 'refused';
    if (amount === 0) return 'refunded';
    try {
      await this.payments.refund(order.id, order.customerId, `warranty:${e.claimId}`, amount);
    } catch (err) {
      if (err instanceof DomainError && err.kind !== 'unavailable') return 'refused';
      throw err;
    }
    return 'refunded';
  }
}
