import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalPath, problem, sendProblem } from '@dbcarts/http';
import express, { type NextFunction, type Request, type Response, Router } from 'express';

/**
 * Paths that belong to the API, the identity provider, probes and the sidecar: never answered with
 * the storefront's index.html, whatever their spelling (Express matches routes case-insensitively,
 * so /API/x reaches the API's routers: the fallback judges the canonical, lower-cased path).
 */
export const RESERVED_PREFIXES = [
  '/api',
  '/oidc',
  '/.well-known',
  '/healthz',
  '/readyz',
  '/metrics',
  '/events',
  '/dapr',
  '/actors',
];

/**
 * A same-origin single-page app: its own scripts, styles, images and API calls only; no inline
 * script, no framing, no plugins. Product images hosted elsewhere are not shown (img-src 'self').
 */
export const STOREFRONT_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const IMMUTABLE = 'public, max-age=31536000, immutable';

export interface StorefrontOptions {
  /** The built storefront (web/storefront/dist): index.html and assets/ with hashed names. */
  dir: string;
}

/** True when `dir` holds a built storefront. */
export const storefrontBuilt = (dir: string) => existsSync(join(dir, 'index.html'));

const isReserved = (path: string) => {
  const p = canonicalPath(path);
  return RESERVED_PREFIXES.some((prefix) => p === prefix || p.startsWith(`${prefix}/`));
};

/** A browser navigation: Sec-Fetch-Mode navigate, or an Accept that names text/html. */
export function isNavigation(req: Request): boolean {
  const mode = req.get('sec-fetch-mode');
  if (mode) return mode === 'navigate';
  return /(^|,)\s*text\/html\s*(;|,|$)/i.test(req.get('accept') ?? '');
}

/**
 * Serves the storefront at /: hashed assets under /assets cached for a year (a new build has new
 * names), other files of the build for an hour, and index.html (never cached without revalidation)
 * for any other GET navigation, so client-side routes load on a reload or a shared link. Mounted
 * after the API, so nothing here shadows an API route; reserved paths fall through to the 404.
 */
export function storefrontRoutes(opts: StorefrontOptions): Router {
  const r = Router();
  const index = readFileSync(join(opts.dir, 'index.html'));
  const csp = (_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Content-Security-Policy', STOREFRONT_CSP);
    next();
  };
  const notFound = (req: Request, res: Response) =>
    sendProblem(res, problem(404, 'ROUTE.NOT_FOUND', 'Not found', `No route for ${req.method} ${req.path}`));

  // Anything but a read, and the reserved paths in any spelling, leave this router untouched.
  r.use((req, _res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isReserved(req.path)) return next('router');
    next();
  });
  r.use(csp);
  r.use(
    '/assets',
    express.static(join(opts.dir, 'assets'), {
      index: false,
      redirect: false,
      dotfiles: 'ignore',
      setHeaders: (res) => res.setHeader('Cache-Control', IMMUTABLE),
    }),
    // A missing asset is a 404, never index.html (a browser would run HTML as a script).
    notFound,
  );
  r.use(
    express.static(opts.dir, {
      index: false,
      redirect: false,
      dotfiles: 'ignore',
      setHeaders: (res, path) => {
        res.setHeader('Cache-Control', path.endsWith('.html') ? 'no-cache' : 'public, max-age=3600');
      },
    }),
  );
  r.get('/{*path}', (req, res, next) => {
    // Only a browser's navigations (they ask for text/html by name): a script, a fetch() or an API
    // client (*/*, JSON) gets the 404 it would get without the storefront.
    if (!isNavigation(req)) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(index);
  });
  return r;
}
