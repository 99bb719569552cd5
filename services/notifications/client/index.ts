import type { Sidecar } from '@dbcarts/dapr';
import type { NotificationListQuery, NotificationPageDto } from '../contract';

export type { NotificationDto, NotificationKind, NotificationPageDto } from '../contract';
export { NotificationListQuery } from '../contract';

export const NOTIFICATIONS_APP_ID = 'notifications';

/** The notifications service through the caller's sidecar. Problems are thrown as the service answered them. */
export interface NotificationsClient {
  /** A customer's notifications, newest first. */
  list(customerId: string, query: NotificationListQuery): Promise<NotificationPageDto>;
}

export function createNotificationsClient(
  sidecar: Sidecar,
  appId = NOTIFICATIONS_APP_ID,
  timeoutMs = 5_000,
): NotificationsClient {
  return {
    list: async (customerId, q) =>
      (
        await sidecar.invokeService<NotificationPageDto>(appId, 'GET', 'notifications', {
          query: { customerId, page: q.page, pageSize: q.pageSize },
          timeoutMs,
        })
      ).body,
  };
}
