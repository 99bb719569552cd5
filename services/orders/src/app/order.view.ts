import type { DomainError } from '@dbcarts/errors';
import { toProblem } from '@dbcarts/http';
import type { OrderDto, OrderEvent, OrderLineFactsDto } from '../../contract';
import type { Order, OrderLine } from '../domain/order';
import type { StoredResponse } from './ports/order.repository.port';

// The public view of an order, whitelisted field by field. Here rather than in http/ because an
// idempotent answer is stored with the saga's last transition (and by the recovery sweep), and
// must be byte-for-byte what the first request was answered.

export function toOrderLineFacts(o: Order, l: OrderLine): OrderLineFactsDto {
  return {
    orderId: o.id,
    sku: l.sku,
    name: l.name,
    quantity: l.quantity,
    status: o.status,
    deliveredAt: o.deliveredAt ? o.deliveredAt.toISOString() : null,
    department: l.department ?? null,
  };
}

export function toOrderDto(o: Order): OrderDto {
  const m = (amount: number) => ({ amount, currency: o.currency });
  return {
    id: o.id,
    status: o.status,
    items: o.lines.map((l) => ({
      sku: l.sku,
      name: l.name,
      quantity: l.quantity,
      unitPrice: m(l.unitPrice),
      lineTotal: m(l.unitPrice * l.quantity),
      returned: l.returned,
      department: l.department ?? null,
      finalSale: l.finalSale === true,
    })),
    subtotal: m(o.subtotal),
    discount: m(o.discount),
    total: m(o.total),
    shippingAddress: o.shippingAddress,
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
    deliveredAt: o.deliveredAt ? o.deliveredAt.toISOString() : null,
  };
}

export function toOrderEvent(o: Order, extra: Partial<OrderEvent> = {}): OrderEvent {
  const m = (amount: number) => ({ amount, currency: o.currency });
  return {
    orderId: o.id,
    customerId: o.customerId,
    customerEmail: o.customerEmail,
    status: o.status,
    items: o.lines.map((l) => ({
      sku: l.sku,
      name: l.name,
      quantity: l.quantity,
      unitPrice: m(l.unitPrice),
      returned: l.returned,
    })),
    subtotal: m(o.subtotal),
    discount: m(o.discount),
    total: m(o.total),
    shippingAddress: o.shippingAddress,
    occurredAt: o.updatedAt.toISOString(),
    version: o.version,
    ...extra,
  };
}

export function orderResponse(order: Order, status: number): StoredResponse {
  return { status, body: toOrderDto(order) };
}

/** A refusal as the problem+json the HTTP layer would answer (no trace id: it is replayed later). */
export function failureResponse(e: DomainError): StoredResponse {
  const body = toProblem(e);
  return { status: body.status, body };
}
