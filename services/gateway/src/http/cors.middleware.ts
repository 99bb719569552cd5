import corsLib from 'cors';

/**
 * CORS for browser storefronts (the `cors` package): only origins on the allow-list get CORS
 * headers, so the browser blocks the rest. Tokens travel in the Authorization header, never in
 * cookies, so credentials are not allowed. Preflights are cached by the browser for 10 minutes.
 */
export function cors(allowed: string[]) {
  return corsLib({
    origin: allowed,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-None-Match'],
    exposedHeaders: ['ETag', 'RateLimit', 'RateLimit-Policy', 'Retry-After', 'X-Request-Id'],
    maxAge: 600,
  });
}
