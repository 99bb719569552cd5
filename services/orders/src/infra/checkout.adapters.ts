import type { CatalogClient } from '@dbcarts/catalog/client';
import { UpstreamProblemError } from '@dbcarts/errors';
import type { InventoryClient } from '@dbcarts/inventory/client';
import { PAYMENT_ERRORS, type PaymentsClient, type Provider } from '@dbcarts/payments/client';
import type { UsersClient } from '@dbcarts/users/client';
import type {
  AuthorizeAnswer,
  CatalogPrice,
  CustomerPort,
  PaymentPort,
  PricingPort,
  ReserveAnswer,
  StockPort,
} from '../app/ports/checkout.ports';

// The saga's ports over the other services' clients (Dapr invocation through our sidecar).

export class InventoryStockAdapter implements StockPort {
  constructor(private readonly inventory: InventoryClient) {}

  async reserve(sku: string, reservationId: string, quantity: number, customerId: string): Promise<ReserveAnswer> {
    const r = await this.inventory.reserve({ sku, reservationId, quantity, customerId });
    if (r.ok) return { ok: true, unitPrice: r.reservation.unitPrice };
    return { ok: false, code: r.code, status: r.problem.status, detail: r.problem.detail };
  }

  async confirm(sku: string, reservationId: string): Promise<void> {
    await this.inventory.confirm(sku, reservationId);
  }

  async release(sku: string, reservationId: string): Promise<void> {
    try {
      await this.inventory.release(sku, reservationId);
    } catch (e) {
      // Never held (the reserve was refused or never arrived) or already gone: nothing to give back.
      if (e instanceof UpstreamProblemError && e.problem.status < 500) return;
      throw e;
    }
  }

  async restock(sku: string, restockId: string, quantity: number): Promise<void> {
    await this.inventory.restock(sku, restockId, quantity);
  }
}

export class CatalogPricingAdapter implements PricingPort {
  constructor(private readonly catalog: CatalogClient) {}

  async prices(skus: string[]): Promise<Map<string, CatalogPrice>> {
    const items = await this.catalog.prices(skus);
    return new Map(items.map((i) => [i.sku, { name: i.name, department: i.category, price: i.price }]));
  }
}

export class PaymentsAdapter implements PaymentPort {
  constructor(private readonly payments: PaymentsClient) {}

  async authorize(req: Parameters<PaymentPort['authorize']>[0]): Promise<AuthorizeAnswer> {
    try {
      await this.payments.authorize({ ...req, provider: req.provider as Provider });
      return { ok: true };
    } catch (e) {
      if (!(e instanceof UpstreamProblemError)) throw e;
      const { code, status, detail } = e.problem;
      if (code === PAYMENT_ERRORS.declined) return { ok: false, code, kind: 'payment_required', detail };
      if (status >= 500) return { ok: false, code: PAYMENT_ERRORS.unavailable, kind: 'unavailable', detail };
      return { ok: false, code, kind: 'rejected', detail };
    }
  }

  async capture(orderId: string, customerId: string): Promise<void> {
    await this.payments.capture(orderId, customerId);
  }

  async void(orderId: string, customerId: string): Promise<void> {
    try {
      await this.payments.void(orderId, customerId);
    } catch (e) {
      // Captured meanwhile (a cancel that raced a shipment): the money goes back as a full refund.
      if (!(e instanceof UpstreamProblemError) || e.problem.code !== PAYMENT_ERRORS.invalidState) throw e;
      const payment = await this.payments.get(orderId, customerId);
      const refundable = payment ? payment.captured - payment.refunded : 0;
      if (refundable > 0) {
        await this.payments.refund(orderId, { refundId: `${orderId}:cancel`, amount: refundable }, customerId);
      }
    }
  }

  async refund(orderId: string, customerId: string, refundId: string, amount: number): Promise<void> {
    await this.payments.refund(orderId, { refundId, amount }, customerId);
  }
}

export class UsersCustomerAdapter implements CustomerPort {
  constructor(private readonly users: UsersClient) {}

  async email(customerId: string): Promise<string> {
    return (await this.users.user(customerId)).email;
  }
}
