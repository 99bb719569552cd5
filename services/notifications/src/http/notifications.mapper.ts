import type { NotificationDto } from '../../contract';
import type { DeadLetter } from '../app/ports/dead-letter.port';
import type { Notification } from '../domain/notification';

// Public fields only: the event id and the customer id stay inside the service.
export const toNotificationDto = (n: Notification): NotificationDto => ({
  id: n.id,
  kind: n.kind,
  orderId: n.orderId,
  channel: n.channel,
  sentTo: n.recipient,
  subject: n.subject,
  message: n.message,
  createdAt: n.createdAt.toISOString(),
});

export const toDeadLetterView = (l: DeadLetter) => ({
  eventId: l.eventId,
  topic: l.topic,
  data: l.data,
  receivedAt: l.receivedAt.toISOString(),
});
