import { randomUUID } from 'node:crypto';
import { escapeHtml } from '@dbcarts/http';
import { inject, injectable } from 'tsyringe';
import {
  type AfterSalesMessage,
  type CaseUpdate,
  type ClaimDecision,
  composeCaseMessage,
  composeClaimMessage,
} from '../domain/after-sales-message';
import type { Notification } from '../domain/notification';
import { NOTIFICATIONS } from './notifications.tokens';
import type { MailerPort } from './ports/mailer.port';
import type { NotificationRepositoryPort, RecordOutcome } from './ports/notification.repository.port';

/**
 * One after-sales event (a support reply or move, a warranty claim's decision) → one notification
 * and one email, once per CloudEvent id: the same transaction-around-the-send as order events
 * (NotifyOrderEventUseCase), so a redelivery after the commit sends nothing.
 */
@injectable()
export class NotifyAfterSalesEventUseCase {
  constructor(
    @inject(NOTIFICATIONS.Notifications) private readonly notifications: NotificationRepositoryPort,
    @inject(NOTIFICATIONS.Mailer) private readonly mailer: MailerPort,
  ) {}

  caseUpdated(eventId: string, e: CaseUpdate): Promise<RecordOutcome> {
    return this.send(eventId, e.customerId, e.customerEmail, composeCaseMessage(e));
  }

  claimDecided(eventId: string, e: ClaimDecision): Promise<RecordOutcome> {
    return this.send(eventId, e.customerId, e.customerEmail, composeClaimMessage(e));
  }

  private send(eventId: string, customerId: string, to: string, m: AfterSalesMessage): Promise<RecordOutcome> {
    const notification: Notification = {
      id: randomUUID(),
      eventId,
      customerId,
      orderId: m.orderId,
      kind: m.kind,
      channel: 'email',
      recipient: to,
      subject: m.subject,
      message: [...m.paragraphs, '', 'DBcarts'].join('\n'),
      createdAt: new Date(),
    };
    // Every value escaped: the reply and the note are typed by people.
    const html =
      `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(m.subject)}</title></head>` +
      '<body style="font-family:Arial,Helvetica,sans-serif;color:#222">' +
      m.paragraphs.map((p) => `<p style="white-space:pre-wrap">${escapeHtml(p)}</p>`).join('') +
      '<p>DBcarts</p></body></html>';
    return this.notifications.recordOnce(notification, () => this.mailer.send({ to, subject: m.subject, html }));
  }
}
