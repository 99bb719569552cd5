import type { Notification, NotificationPage } from '../../domain/notification';

export type RecordOutcome = 'recorded' | 'duplicate';

export interface NotificationRepositoryPort {
  /**
   * Records `n` unless a notification for its event id exists, and runs `deliver` inside the same
   * transaction: the record commits only if delivery succeeded, and a concurrent duplicate waits on
   * the event id's unique key until this one commits (then it is a duplicate) or rolls back.
   */
  recordOnce(n: Notification, deliver: () => Promise<void>): Promise<RecordOutcome>;
  /** Newest first. */
  listForCustomer(customerId: string, page: number, pageSize: number): Promise<NotificationPage>;
}
