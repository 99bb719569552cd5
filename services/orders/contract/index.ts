import { z } from 'zod';
import { PROVIDERS } from '@dbcarts/payments/contract';

// The orders service's wire contract: request bodies validated at the gateway and again here, the
// public order view, and the events other services (notifications, invoices, read models) consume.

const Sku = z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,63}$/);
const Quantity = z.int().min(1).max(100);

export const CartItemParams = z.strictObject({ sku: Sku });
export const CartItemBody = z.strictObject({ quantity: Quantity });

export const ShippingAddress = z.strictObject({
  name: z.string().trim().min(1).max(200),
  line1: z.string().trim().min(1).max(200),
  line2: z.string().trim().max(200).optional(),
  city: z.string().trim().min(1).max(100),
  postalCode: z.string().trim().min(1).max(20),
  /** ISO 3166-1 alpha-2: decides the invoice's tax rate. */
  country: z.string().regex(/^[A-Z]{2}$/),
});
export type ShippingAddress = z.infer<typeof ShippingAddress>;

export const CreateOrderBody = z.strictObject({
  items: z
    .array(z.strictObject({ sku: Sku, quantity: Quantity, claimId: z.string().min(1).max(100).optional() }))
    .min(1)
    .max(50)
    .refine((items) => new Set(items.map((i) => i.sku)).size === items.length, 'each SKU at most once'),
  couponCode: z.string().trim().min(1).max(64).optional(),
  shippingAddress: ShippingAddress,
  payment: z.strictObject({ provider: z.enum(PROVIDERS), token: z.string().min(1).max(500) }),
});
export type CreateOrderRequest = z.infer<typeof CreateOrderBody>;

export const ReturnBody = z.strictObject({
  items: z
    .array(z.strictObject({ sku: Sku, quantity: Quantity }))
    .min(1)
    .max(50),
  reason: z.string().trim().min(1).max(1000),
});
export type ReturnRequest = z.infer<typeof ReturnBody>;

export const OrderIdParams = z.strictObject({ id: z.uuid() });

export const PageQuery = z.strictObject({
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const ORDER_STATUSES = [
  'pending',
  'confirmed',
  'shipped',
  'delivered',
  'cancelled',
  'returned',
  'failed',
] as const;

/** GET /api/admin/orders: by status and creation date (from inclusive, to exclusive). */
export const AdminOrderQuery = PageQuery.extend({
  status: z.enum(ORDER_STATUSES).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface MoneyDto {
  amount: number;
  currency: string;
}

export interface OrderLineDto {
  sku: string;
  name: string;
  quantity: number;
  unitPrice: MoneyDto;
  lineTotal: MoneyDto;
  /** Units returned so far. */
  returned: number;
}

export interface OrderDto {
  id: string;
  status: OrderStatus;
  items: OrderLineDto[];
  subtotal: MoneyDto;
  discount: MoneyDto;
  total: MoneyDto;
  shippingAddress: ShippingAddress;
  createdAt: string;
  updatedAt: string;
}

export interface CartDto {
  items: { sku: string; quantity: number; unitPrice: MoneyDto }[];
  subtotal: MoneyDto;
}

// Events (CloudEvents through Dapr pub/sub; the CloudEvent id is the outbox row's id).
export const ORDER_EVENTS = {
  placed: 'orders.placed',
  confirmed: 'orders.confirmed',
  cancelled: 'orders.cancelled',
  shipped: 'orders.shipped',
  delivered: 'orders.delivered',
  returned: 'orders.returned',
} as const;
export type OrderEventTopic = (typeof ORDER_EVENTS)[keyof typeof ORDER_EVENTS];

/** The body of every orders.* event: the order as it stands after the change. */
export interface OrderEvent {
  orderId: string;
  customerId: string;
  /** For emails; the customer's address at the time of the order. */
  customerEmail: string;
  status: OrderStatus;
  items: { sku: string; name: string; quantity: number; unitPrice: MoneyDto; returned: number }[];
  subtotal: MoneyDto;
  discount: MoneyDto;
  total: MoneyDto;
  shippingAddress: ShippingAddress;
  /** orders.returned: this return, what it refunds and which units came back. */
  refund?: MoneyDto;
  returnId?: string;
  returnedItems?: { sku: string; quantity: number }[];
  occurredAt: string;
  /** Per order, increasing: consumers apply an event only if newer than what they hold. */
  version: number;
}
