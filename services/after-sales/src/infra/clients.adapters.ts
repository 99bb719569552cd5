import type { OrdersClient } from '@dbcarts/orders/client';
import type { UsersClient } from '@dbcarts/users/client';
import type { CustomersPort, OrderLineFacts, OrderLinesPort } from '../app/ports/after-sales.ports';

/** The orders service's internal line read (its client bounds the call; a 404 is relayed as ORDER.NOT_FOUND). */
export class OrdersLineAdapter implements OrderLinesPort {
  constructor(private readonly orders: OrdersClient) {}

  async line(customerId: string, orderId: string, sku: string): Promise<OrderLineFacts> {
    const l = await this.orders.lineFacts(customerId, orderId, sku);
    return {
      orderId: l.orderId,
      sku: l.sku,
      name: l.name,
      status: l.status,
      deliveredAt: l.deliveredAt ? new Date(l.deliveredAt) : null,
      department: l.department,
    };
  }

  async confirmOwned(customerId: string, orderId: string, sku?: string): Promise<void> {
    if (sku) await this.orders.lineFacts(customerId, orderId, sku);
    else await this.orders.get(customerId, orderId);
  }
}

/** The customer's email from the users service (bounded by the sidecar's invocation timeout). */
export class UsersCustomerAdapter implements CustomersPort {
  constructor(private readonly users: UsersClient) {}

  async email(customerId: string): Promise<string> {
    return (await this.users.user(customerId)).email;
  }
}
