// What the notifications service knows about: an order event turned into one message to its customer.
// Pure: no framework, no I/O (lint enforces it).

/** The orders.* topics that notify the customer (services/orders/contract ORDER_EVENTS). */
export const ORDER_TOPICS = ['orders.confirmed', 'orders.shipped', 'orders.cancelled', 'orders.returned'] as const;
export type OrderTopic = (typeof ORDER_TOPICS)[number];

export type OrderNotificationKind = 'order_confirmed' | 'order_shipped' | 'order_cancelled' | 'order_refunded';
export type NotificationKind =
  | OrderNotificationKind
  // After-sales (services/after-sales): an admin's reply or move on a support case, a warranty claim's decision.
  | 'support_reply'
  | 'support_status'
  | 'warranty_claim';

export const KIND_BY_TOPIC: Readonly<Record<OrderTopic, OrderNotificationKind>> = {
  'orders.confirmed': 'order_confirmed',
  'orders.shipped': 'order_shipped',
  'orders.cancelled': 'order_cancelled',
  // A return is told as its refund: that is what the customer waits for.
  'orders.returned': 'order_refunded',
};

export interface Money {
  /** Minor units (cents). */
  amount: number;
  currency: string;
}

export interface OrderLine {
  sku: string;
  name: string;
  quantity: number;
  unitPrice: Money;
  returned: number;
}

/** The order as an event states it after the change (the fields a message needs). */
export interface OrderFacts {
  orderId: string;
  customerId: string;
  customerEmail: string;
  items: OrderLine[];
  subtotal: Money;
  discount: Money;
  total: Money;
  /** orders.returned: what this return refunded. */
  refund?: Money;
  occurredAt: string;
}

/** One message sent to a customer, recorded once per event (its CloudEvent id). */
export interface Notification {
  id: string;
  /** The CloudEvent id of the event that caused it: the deduplication key. */
  eventId: string;
  customerId: string;
  orderId: string;
  kind: NotificationKind;
  channel: 'email';
  recipient: string;
  subject: string;
  /** The plain-text message, as listed to the customer. */
  message: string;
  createdAt: Date;
}

/** A page of a customer's notifications, newest first. */
export interface NotificationPage {
  items: Notification[];
  total: number;
}
