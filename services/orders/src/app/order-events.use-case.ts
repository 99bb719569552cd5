import { inject, injectable } from 'tsyringe';
import type { OrderEvent } from '../../contract';
import { buildInvoice, type Invoice } from '../domain/invoice';
import { InvoiceNotFoundError } from '../domain/order.errors';
import { ManageOrderUseCase } from './manage-order.use-case';
import { ORDERS } from './orders.tokens';
import type { InvoiceStorePort, OrderHistoryPort } from './ports/read-models.port';
import type { OrderRepositoryPort } from './ports/order.repository.port';

/**
 * What this service does with its own events, each delivery at least once: keeps the order
 * history read model, issues the invoice of a confirmed order, and settles cancellations and
 * returns (idempotent by order / return id, so a redelivery changes nothing).
 */
@injectable()
export class OrderEventsUseCase {
  constructor(
    @inject(ORDERS.History) private readonly history: OrderHistoryPort,
    @inject(ORDERS.Invoices) private readonly invoices: InvoiceStorePort,
    @inject(ORDERS.Orders) private readonly orders: OrderRepositoryPort,
    @inject(ManageOrderUseCase) private readonly manage: ManageOrderUseCase,
  ) {}

  project(event: OrderEvent): Promise<boolean> {
    return this.history.apply(event);
  }

  async invoice(event: OrderEvent): Promise<Invoice> {
    const issuedAt = new Date();
    return this.invoices.issue(event.orderId, issuedAt, (number) =>
      buildInvoice({
        number,
        orderId: event.orderId,
        customerId: event.customerId,
        issuedAt,
        country: event.shippingAddress.country,
        currency: event.total.currency,
        lines: event.items.map((i) => ({
          sku: i.sku,
          name: i.name,
          quantity: i.quantity,
          unitPrice: i.unitPrice.amount,
        })),
        discount: event.discount.amount,
      }),
    );
  }

  async settle(event: OrderEvent, topic: string): Promise<void> {
    if (topic === 'orders.cancelled') {
      const order = await this.orders.find(event.orderId, event.customerId);
      if (order) await this.manage.settleCancellation(order);
    }
    if (topic === 'orders.returned' && event.returnId && event.returnedItems && event.refund) {
      await this.manage.settleReturn(event.orderId, event.customerId, {
        returnId: event.returnId,
        refund: event.refund.amount,
        items: event.returnedItems,
      });
    }
  }

  async invoiceOf(orderId: string): Promise<Invoice> {
    const invoice = await this.invoices.find(orderId);
    if (!invoice) throw new InvoiceNotFoundError(orderId);
    return invoice;
  }
}
