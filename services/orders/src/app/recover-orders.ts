import { inject, injectable } from 'tsyringe';
import { CompensateOrder } from './compensate-order';
import { ORDERS, type OrdersSettings } from './orders.tokens';
import { PlaceOrderUseCase } from './place-order.use-case';
import type { OrderRepositoryPort } from './ports/order.repository.port';

/**
 * The recovery sweep, on start and then periodically: a pending order whose saga has not moved for
 * `staleSeconds` (its request crashed, or the process was killed) is finished when its payment was
 * authorized (`confirming`: the customer paid, so the order goes through) and undone otherwise. Both
 * paths are conditional on the saga step, so two instances sweeping at once do each order once.
 */
@injectable()
export class RecoverOrders {
  constructor(
    @inject(ORDERS.Orders) private readonly orders: OrderRepositoryPort,
    @inject(PlaceOrderUseCase) private readonly place: PlaceOrderUseCase,
    @inject(CompensateOrder) private readonly compensate: CompensateOrder,
    @inject(ORDERS.Settings) private readonly settings: OrdersSettings,
  ) {}

  /** How many orders it settled. */
  async sweep(): Promise<number> {
    const stale = await this.orders.stalePending(this.settings.staleSeconds, 100);
    let settled = 0;
    for (const order of stale) {
      const done =
        order.sagaStep === 'confirming'
          ? await this.place.finish(order)
          : await this.compensate.rollBack(order, 'ORDER.ABANDONED');
      if (done) settled++;
    }
    return settled;
  }
}
