import corsLib from 'cors';
import type { NextFunction, Request, Response } from 'express';

/**
 * CORS for browser storefronts (the `cors` package): only origins on the allow-list get CORS
 * headers, so the browser blocks the rest. Tokens travel in the Authorization header, never in
 * cookies, so credentials are not allowed. Preflights are cached by the browser for 10 minutes.
 */
export function cors(allowed: string[]) {
  const withCors = corsLib({
    origin: allowed,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-None-Match'],
    exposedHeaders: ['ETag', 'RateLimit', 'RateLimit-Policy', 'Retry-After', 'X-Request-Id'],
    maxAge: 600,
  });
  // A request without Origin is not a cross-origin one (apps, partners, same-origin GETs): it gets
  // no CORS headers, only the `Vary: Origin` a cache needs so it never hands that answer to a
  // browser whose origin would have got other headers. Skipping the package here is most requests.
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.headers.origin !== undefined || req.method === 'OPTIONS') return withCors(req, res, next);
    res.vary('Origin');
    next();
  };
}
