import { Router } from 'express';
import { z } from 'zod';
import { CustomerNotificationListQuery } from '../../contract';
import type { DeadLettersUseCase } from '../app/dead-letters.use-case';
import type { ListNotificationsUseCase } from '../app/list-notifications.use-case';
import { toDeadLetterView, toNotificationDto } from './notifications.mapper';

export interface NotificationsUseCases {
  list: ListNotificationsUseCase;
  deadLetters: DeadLettersUseCase;
}

const DeadLetterQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(100) });

/**
 * The internal API, reached through Dapr invocation only (the sidecar's token). The customer id is
 * trusted: only the gateway calls it, with the subject of a token it verified.
 */
export function notificationsRoutes(uc: NotificationsUseCases): Router {
  const r = Router();

  r.get('/notifications', async (req, res) => {
    const { customerId, page, pageSize } = CustomerNotificationListQuery.parse(req.query);
    const result = await uc.list.execute(customerId, page, pageSize);
    res
      .set('Cache-Control', 'no-store')
      .json({ items: result.items.map(toNotificationDto), page, pageSize, total: result.total });
  });

  // Operations: what was dropped, and putting it back on its topic after a fix.
  r.get('/dead-letters', async (req, res) => {
    const { limit } = DeadLetterQuery.parse(req.query);
    res.json((await uc.deadLetters.list(limit)).map(toDeadLetterView));
  });
  r.post('/dead-letters/replay', async (req, res) => {
    const { limit } = DeadLetterQuery.parse(req.query);
    res.json(await uc.deadLetters.replay(limit));
  });

  return r;
}
