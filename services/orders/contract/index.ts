import { z } from 'zod';
import { PROVIDERS } from '@dbcarts/payments/contract';
import { RETURN_REASONS } from '@dbcarts/returns-policy';

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
    // `opened`: the customer's word that the item was opened (opened electronics: 15 days, not 30).
    .array(z.strictObject({ sku: Sku, quantity: Quantity, opened: z.boolean().optional() }))
    .min(1)
    .max(50),
  /** One of the returns policy's stable reasons (`RETURN_REASONS` of @dbcarts/returns-policy). */
  reason: z.enum(RETURN_REASONS),
  /** The customer's own words, kept with the return. */
  comment: z.string().trim().min(1).max(1000).optional(),
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
  /** The returns policy's facts of the line (@dbcarts/returns-policy): catalog department at checkout, or null. */
  department: string | null;
  /** Sold as final sale (a flash-drop claim): never returnable. */
  finalSale: boolean;
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
  /** When it was delivered (ISO), null before: return windows and warranties count from it. */
  deliveredAt: string | null;
}

/**
 * One line of a customer's order with the facts other services decide on (internal read, not on the
 * public API): after-sales registers warranties for delivered lines by department.
 */
export interface OrderLineFactsDto {
  orderId: string;
  sku: string;
  name: string;
  quantity: number;
  status: OrderStatus;
  /** ISO time; null until delivered. */
  deliveredAt: string | null;
  /** Catalog category slug at checkout; null on lines from before it was kept. */
  department: string | null;
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
  /** Why the customer returned them (a RETURN_REASONS value). */
  returnReason?: string;
  occurredAt: string;
  /** Per order, increasing: consumers apply an event only if newer than what they hold. */
  version: number;
}
