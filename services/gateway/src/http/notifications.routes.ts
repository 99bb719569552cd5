import { DependencyUnavailableError } from '@dbcarts/errors';
import { NotificationListQuery, type NotificationsClient } from '@dbcarts/notifications/client';
import { Router } from 'express';
import type { JwksTokenVerifier } from '../infra/jwks-token.verifier';
import { authenticate, principalOf } from './auth.middleware';

/**
 * GET /api/me/notifications: the messages sent to the caller (order confirmation, shipping,
 * cancellation, refund), newest first and paged. Always the verified token's subject: no request
 * field names the customer. The query is checked here (400 before any call) and again by the service.
 */
export function notificationsRoutes(verifier: JwksTokenVerifier, notifications?: NotificationsClient): Router {
  const r = Router();
  r.get('/api/me/notifications', authenticate(verifier, 'customer'), async (req, res) => {
    const query = NotificationListQuery.parse(req.query);
    // A gateway built without the client (route-table tests) says so instead of pretending it is empty.
    if (!notifications) throw new DependencyUnavailableError('notifications', 'no client configured');
    res.set('Cache-Control', 'no-store').json(await notifications.list(principalOf(res).sub, query));
  });
  return r;
}
