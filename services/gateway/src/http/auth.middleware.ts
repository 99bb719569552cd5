import { DomainError } from '@dbcarts/errors';
import type { NextFunction, Request, Response } from 'express';
import type { JwksTokenVerifier, Principal } from '../infra/jwks-token.verifier';

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
  return async (req: Request, res: Response, next: NextFunction) => {
    const known = res.locals.principal as Principal | undefined;
    if (known) {
      if (role && !known.roles.includes(role)) return next(new ForbiddenError(`This needs the ${role} role`));
      return next();
    }
    const header = req.get('authorization') ?? '';
    const [scheme, token] = header.split(' ');
    res.setHeader('WWW-Authenticate', 'Bearer realm="dbcarts"');
    if (scheme !== 'Bearer' || !token) return next(new UnauthenticatedError('A Bearer access token is required'));
    let principal: Principal;
    try {
      principal = await verifier.verify(token);
    } catch {
      // One answer for expired, tampered, wrong audience or algorithm: details would only help an attacker.
      return next(new UnauthenticatedError('The access token is not valid'));
    }
    res.removeHeader('WWW-Authenticate');
    if (role && !principal.roles.includes(role)) return next(new ForbiddenError(`This needs the ${role} role`));
    res.locals.principal = principal;
    next();
  };
}
