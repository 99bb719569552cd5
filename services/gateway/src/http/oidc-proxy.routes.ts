import { passThrough } from '@dbcarts/dapr';
import { DomainError } from '@dbcarts/errors';
import express, { type Request, type RequestHandler, type Response, Router } from 'express';

export interface OidcProxyOptions {
  /** The gateway's sidecar, through which the users service (the OIDC provider) is invoked. */
  sidecarBaseUrl: string;
  usersAppId: string;
  /** Applied to the sign-in form post, with the same budget as POST /api/auth/login. */
  loginThrottle: RequestHandler;
}

// The sign-in page may not be framed (clickjacking) nor load anything from elsewhere. No
// form-action: after sign-in the browser is redirected on to the client's own origin.
const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";

/**
 * The OpenID provider's public surface, relayed to the users service: exactly these endpoints, so
 * no other path of the users app (its internal API) is reachable through them.
 */
export function oidcProxyRoutes(opts: OidcProxyOptions): Router {
  const r = Router();
  const relay: RequestHandler = async (req: Request, res: Response) => {
    const query = req.originalUrl.indexOf('?');
    const path = req.path + (query >= 0 ? req.originalUrl.slice(query) : '');
    await passThrough(req, res, {
      sidecarBaseUrl: opts.sidecarBaseUrl,
      appId: opts.usersAppId,
      path,
      parsedBody: consumedBody(req),
    });
  };
  const page: RequestHandler = (_req, res, next) => {
    res.setHeader('Content-Security-Policy', PAGE_CSP);
    next();
  };
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 10 });
  // Interaction ids are the provider's url-safe random ids: anything else names no interaction
  // (and a stray % or NUL would otherwise reach the sidecar's method-name check as a 5xx).
  r.param('uid', (_req, _res, next, uid: string) => {
    if (/^[A-Za-z0-9_-]{1,64}$/.test(uid)) return next();
    next(new NoSuchInteractionError('No such sign-in interaction'));
  });

  r.get('/.well-known/openid-configuration', relay);
  r.get('/oidc/jwks', relay);
  r.get('/oidc/auth', relay);
  r.post('/oidc/auth', relay);
  r.get('/oidc/auth/:uid', relay);
  r.post('/oidc/token', relay);
  r.get('/oidc/me', relay);
  r.post('/oidc/me', relay);
  r.post('/oidc/token/revocation', relay);
  r.post('/oidc/token/introspection', relay);
  r.get('/oidc/session/end', relay);
  r.post('/oidc/session/end', relay);
  r.post('/oidc/session/end/confirm', relay);
  r.get('/oidc/session/end/success', relay);
  r.get('/oidc/interaction/:uid', page, relay);
  r.post('/oidc/interaction/:uid/login', page, form, opts.loginThrottle, relay);
  r.get('/oidc/interaction/:uid/abort', relay);
  return r;
}

/** A body the JSON or form parser already read is re-encoded for the callee (the stream is spent). */
function consumedBody(req: Request): Buffer | undefined {
  if (!req.readableEnded || req.body === undefined) return undefined;
  const type = req.headers['content-type'] ?? '';
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return Buffer.from(new URLSearchParams(req.body as Record<string, string>).toString());
  }
  return Buffer.from(JSON.stringify(req.body));
}

export class NoSuchInteractionError extends DomainError {
  readonly code = 'OIDC.INTERACTION_NOT_FOUND';
  readonly kind = 'not_found';
}
