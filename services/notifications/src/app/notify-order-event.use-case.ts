import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { KIND_BY_TOPIC, type Notification, type OrderFacts, type OrderTopic } from '../domain/notification';
import { composeOrderMessage } from '../domain/order-message';
import { NOTIFICATIONS } from './notifications.tokens';
import type { MailerPort } from './ports/mailer.port';
import type { NotificationRepositoryPort, RecordOutcome } from './ports/notification.repository.port';
import { renderHtml, renderText } from './order-email.template';

/**
 * One order event → one notification record and one email, once per CloudEvent id. The record and
 * its event id commit in the transaction that sends the email: an SMTP failure rolls the record back
 * (the event is redelivered and tried again), and a redelivery after the commit finds the id and
 * sends nothing. What no protocol closes: a crash after the SMTP server accepted the message but
 * before the commit sends it once more on redelivery (SMTP has no idempotency key).
 */
@injectable()
export class NotifyOrderEventUseCase {
  constructor(
    @inject(NOTIFICATIONS.Notifications) private readonly notifications: NotificationRepositoryPort,
    @inject(NOTIFICATIONS.Mailer) private readonly mailer: MailerPort,
  ) {}

  async execute(eventId: string, topic: OrderTopic, order: OrderFacts): Promise<RecordOutcome> {
    const kind = KIND_BY_TOPIC[topic];
    const message = composeOrderMessage(kind, order);
    const notification: Notification = {
      id: randomUUID(),
      eventId,
      customerId: order.customerId,
      orderId: order.orderId,
      kind,
      channel: 'email',
      recipient: order.customerEmail,
      subject: message.subject,
      message: renderText(message),
      createdAt: new Date(),
    };
    const email = { to: order.customerEmail, subject: message.subject, html: renderHtml(message) };
    return this.notifications.recordOnce(notification, () => this.mailer.send(email));
  }
}
