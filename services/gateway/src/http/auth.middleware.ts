import { DomainError } from '@dbcarts/errors';
import type { NextFunction, Request, Response } from 'express';
import { type JwksTokenVerifier, JwksUnavailableError, type Principal } from '../infra/jwks-token.verifier';

export class UnauthenticatedError extends DomainError {
  readonly code = 'AUTH.UNAUTHENTICATED';
  readonly kind = 'unauthenticated';
}

export class ForbiddenError extends DomainError {
  readonly code = 'AUTH.FORBIDDEN';
  readonly kind = 'forbidden';
}

export function principalOf(res: Response): Principal {
  const p = res.locals.principal as Principal | undefined;
  if (!p) throw new UnauthenticatedError('Authentication required');
  return p;
}

/**
 * On API routes (mounted at /api): a request that carries a token must carry a valid one (401
 * otherwise, also on public routes); a valid one becomes the request's principal. Requests without
 * a token pass on, and so do /auth/* ones: a client refreshing an expired token still sends it.
 */
export function optionalAuthentication(verifier: JwksTokenVerifier) {
  const check = authenticate(verifier);
  return (req: Request, res: Response, next: NextFunction) =>
    req.get('authorization') && !req.path.startsWith('/auth/') ? check(req, res, next) : next();
}

/** Requires a valid Bearer access token; `role` also requires that role (403 without it). */
export function authenticate(verifier: JwksTokenVerifier, role?: string) {
  const admit = (res: Response, next: NextFunction, principal: Principal) => {
    if (role && !principal.roles.includes(role)) return next(new ForbiddenError(`This needs the ${role} role`));
    res.locals.principal = principal;
    next();
  };
  return (req: Request, res: Response, next: NextFunction) => {
    const known = res.locals.principal as Principal | undefined;
    if (known) return admit(res, next, known);
    const header = req.get('authorization') ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!token) return refuse(res, next, 'A Bearer access token is required');
    // A token seen before is answered synchronously: no promise on the path of a returning client.
    const cached = verifier.cached(token);
    if (cached) return admit(res, next, cached);
    verifier.verify(token).then(
      (principal) => admit(res, next, principal),
      (e: unknown) => {
        // No key set yet (users service not reachable since start): the token may be fine, so 503, not a sign-out.
        if (e instanceof JwksUnavailableError) {
          res.setHeader('Retry-After', String(e.details.retryAfterSeconds));
          return next(e);
        }
        // One answer for expired, tampered, wrong audience or algorithm: details would only help an attacker.
        refuse(res, next, 'The access token is not valid');
      },
    );
  };
}

function refuse(res: Response, next: NextFunction, detail: string): void {
  res.setHeader('WWW-Authenticate', 'Bearer realm="dbcarts"');
  next(new UnauthenticatedError(detail));
}
