import { UpstreamProblemError } from '@dbcarts/errors';
import type { UsersClient } from '@dbcarts/users/client';
import { type NextFunction, type Request, type RequestHandler, type Response, Router } from 'express';
import type { JwksTokenVerifier } from '../infra/jwks-token.verifier';
import { authenticate, principalOf } from './auth.middleware';

/**
 * Identity routes. /api/me* always act on the subject of the verified token, never on an id from
 * the request: one customer cannot reach another's profile, sessions or addresses.
 */
export function identityRoutes(
  users: UsersClient,
  verifier: JwksTokenVerifier,
  throttle: RequestHandler,
  registrationThrottle: RequestHandler,
): Router {
  const r = Router();
  const customer = authenticate(verifier, 'customer');

  r.post('/api/auth/register', registrationThrottle, async (req, res) => {
    res.status(201).json(await users.register(req.body));
  });
  r.post('/api/auth/login', throttle, async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await users.login(req.body));
  });
  r.post('/api/auth/refresh', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await users.refresh(req.body));
  });
  r.post('/api/auth/logout', customer, async (_req, res) => {
    // Tokens from the OIDC provider carry no first-party session: their clients revoke at /oidc/token/revocation.
    const { sid } = principalOf(res);
    if (sid) await users.revokeSession(sid);
    res.status(204).end();
  });

  r.get('/api/me', customer, async (_req, res) => {
    res.json(await users.user(principalOf(res).sub));
  });
  r.patch('/api/me', customer, async (req, res) => {
    res.json(await users.rename(principalOf(res).sub, req.body));
  });
  r.get('/api/me/addresses', customer, async (_req, res) => {
    res.json(await users.addresses(principalOf(res).sub));
  });
  r.post('/api/me/addresses', customer, async (req, res) => {
    res.status(201).json(await users.addAddress(principalOf(res).sub, req.body));
  });
  r.get('/api/me/sessions', customer, async (_req, res) => {
    const { sub, sid } = principalOf(res);
    res.set('Cache-Control', 'no-store').json(await users.sessions(sub, sid || undefined));
  });
  r.delete('/api/me/sessions/:sessionId', customer, async (req, res) => {
    await users.revokeUserSession(principalOf(res).sub, String(req.params.sessionId));
    res.status(204).end();
  });
  r.delete('/api/me/addresses/:addressId', customer, async (req, res) => {
    await users.deleteAddress(principalOf(res).sub, String(req.params.addressId));
    res.status(204).end();
  });

  // The users service's refusals that say when to come back (AUTH.TOO_MANY_ATTEMPTS 429, AUTH.BUSY
  // 503) keep their Retry-After through the relay: the shared problem writer sets it for 429 only.
  r.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    const seconds = err instanceof UpstreamProblemError ? err.problem.retryAfterSeconds : undefined;
    if (typeof seconds === 'number' && seconds > 0) res.setHeader('Retry-After', String(Math.ceil(seconds)));
    next(err);
  });

  return r;
}
