import { isDuplicateKey } from '@dbcarts/db';
import type { DataSource } from 'typeorm';
import type { NotificationRepositoryPort, RecordOutcome } from '../../app/ports/notification.repository.port';
import type { Notification, NotificationKind, NotificationPage } from '../../domain/notification';

interface Row {
  id: string;
  event_id: string;
  customer_id: string;
  order_id: string;
  kind: NotificationKind;
  channel: 'email';
  recipient: string;
  subject: string;
  message: string;
  created_at: Date;
}

export class TypeormNotificationRepository implements NotificationRepositoryPort {
  constructor(private readonly ds: DataSource) {}

  recordOnce(n: Notification, deliver: () => Promise<void>): Promise<RecordOutcome> {
    return this.ds.transaction(async (m) => {
      // A plain INSERT on the event id's unique key (not IGNORE, which would also turn truncation into
      // a warning). A concurrent duplicate (redelivery while the first is still sending) blocks on
      // that key until the first commits (→ duplicate here) or rolls back (→ this one records and
      // sends). InnoDB rolls back only the failed statement, so the transaction ends cleanly.
      try {
        await m.query(
          `INSERT INTO notifications
             (id, event_id, customer_id, order_id, kind, channel, recipient, subject, message, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [n.id, n.eventId, n.customerId, n.orderId, n.kind, n.channel, n.recipient, n.subject, n.message, n.createdAt],
        );
      } catch (e) {
        if (isDuplicateKey(e)) return 'duplicate';
        throw e;
      }
      await deliver(); // a throw rolls the record back: the event is redelivered and tried again
      return 'recorded';
    });
  }

  async listForCustomer(customerId: string, page: number, pageSize: number): Promise<NotificationPage> {
    const [rows, count] = await Promise.all([
      this.ds.query(
        `SELECT id, event_id, customer_id, order_id, kind, channel, recipient, subject, message, created_at
           FROM notifications WHERE customer_id = ? ORDER BY seq DESC LIMIT ? OFFSET ?`,
        [customerId, pageSize, (page - 1) * pageSize],
      ) as Promise<Row[]>,
      this.ds.query('SELECT COUNT(*) AS n FROM notifications WHERE customer_id = ?', [customerId]) as Promise<
        { n: string | number }[]
      >,
    ]);
    return { items: rows.map(toNotification), total: Number(count[0]?.n ?? 0) };
  }
}

const toNotification = (r: Row): Notification => ({
  id: r.id,
  eventId: r.event_id,
  customerId: r.customer_id,
  orderId: r.order_id,
  kind: r.kind,
  channel: r.channel,
  recipient: r.recipient,
  subject: r.subject,
  message: r.message,
  createdAt: new Date(r.created_at),
});
