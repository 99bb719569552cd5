import { z } from 'zod';

// The notifications service's wire contract, shared with the gateway through client/.

/** Paging as the public contract has it: pageSize at most 100 (larger → 400). */
export const NotificationListQuery = z.strictObject({
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type NotificationListQuery = z.infer<typeof NotificationListQuery>;

/** The internal query: the gateway names the customer (its token's subject), never the client. */
export const CustomerNotificationListQuery = NotificationListQuery.extend({
  customerId: z.string().min(1).max(64),
});

export type NotificationKind =
  | 'order_confirmed'
  | 'order_shipped'
  | 'order_cancelled'
  | 'order_refunded'
  // After-sales (services/after-sales): an admin's reply or move on a support case, a warranty claim's decision.
  | 'support_reply'
  | 'support_status'
  | 'warranty_claim';

export interface NotificationDto {
  id: string;
  kind: NotificationKind;
  orderId: string;
  channel: 'email';
  /** The address the email went to (the one on the order). */
  sentTo: string;
  subject: string;
  /** The message as plain text. */
  message: string;
  createdAt: string;
}

export interface NotificationPageDto {
  items: NotificationDto[];
  page: number;
  pageSize: number;
  total: number;
}

/**
 * Where this service's subscriptions send what they drop (a malformed event). Under `orders.` so
 * every pub/sub profile carries it as is (the JetStream stream covers `orders.>`). Parked by this
 * service; replayed with POST /dead-letters/replay (README of the service).
 */
export const NOTIFICATIONS_DEAD_LETTER_TOPIC = 'orders.dead-letter.notifications';
