import { inject, injectable } from 'tsyringe';
import type { NotificationPage } from '../domain/notification';
import { NOTIFICATIONS } from './notifications.tokens';
import type { NotificationRepositoryPort } from './ports/notification.repository.port';

@injectable()
export class ListNotificationsUseCase {
  constructor(@inject(NOTIFICATIONS.Notifications) private readonly notifications: NotificationRepositoryPort) {}

  execute(customerId: string, page: number, pageSize: number): Promise<NotificationPage> {
    return this.notifications.listForCustomer(customerId, page, pageSize);
  }
}
