import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
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
  const built = loadBuild(opts.dir);
  const index = built.get('/index.html') ?? { body: readFileSync(join(opts.dir, 'index.html')) };
  const csp = (_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Content-Security-Policy', STOREFRONT_CSP);
    next();
  };
  const notFound = (req: Request, res: Response) =>
    sendProblem(res, problem(404, 'ROUTE.NOT_FOUND', 'Not found', `No route for ${req.method} ${req.path}`));
  const cacheControl = (path: string) =>
    path.startsWith('/assets/') ? IMMUTABLE : path.endsWith('.html') ? 'no-cache' : 'public, max-age=3600';

  // Anything but a read, and the reserved paths in any spelling, leave this router untouched.
  r.use((req, _res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isReserved(req.path)) return next('router');
    next();
  });
  r.use(csp);
  // The build as loaded at start, with its precompressed copies (exact paths only).
  r.use((req, res, next) => {
    const file = built.get(req.path);
    if (!file) return next();
    sendBuilt(req, res, extname(req.path), file, cacheControl(req.path));
  });
  // Files of a newer build on disk (until a restart loads it), then a 404 for any other asset: a
  // missing asset is never index.html (a browser would run HTML as a script).
  r.use(
    '/assets',
    express.static(join(opts.dir, 'assets'), {
      index: false,
      redirect: false,
      dotfiles: 'ignore',
      setHeaders: (res) => res.setHeader('Cache-Control', IMMUTABLE),
    }),
    notFound,
  );
  r.use(
    express.static(opts.dir, {
      index: false,
      redirect: false,
      dotfiles: 'ignore',
      setHeaders: (res, path) => res.setHeader('Cache-Control', cacheControl(path)),
    }),
  );
  r.get('/{*path}', (req, res, next) => {
    // Only a browser's navigations (they ask for text/html by name): a script, a fetch() or an API
    // client (*/*, JSON) gets the 404 it would get without the storefront.
    if (!isNavigation(req)) return next();
    sendBuilt(req, res, '.html', index, 'no-cache');
  });
  return r;
}

interface BuiltFile {
  body: Buffer;
  br?: Buffer;
  gzip?: Buffer;
}

/** Every file of the build by URL path, with the .br/.gz copies the storefront's build makes. */
function loadBuild(dir: string): Map<string, BuiltFile> {
  const files = new Map<string, BuiltFile>();
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (!/\.(br|gz)$/.test(entry.name)) {
        const sibling = (ext: string) => (existsSync(path + ext) ? readFileSync(path + ext) : undefined);
        files.set(`/${relative(dir, path).split(sep).join('/')}`, {
          body: readFileSync(path),
          br: sibling('.br'),
          gzip: sibling('.gz'),
        });
      }
    }
  };
  walk(dir);
  return files;
}

/** The encoding to answer with: Brotli, else gzip, as the client accepts them (q=0 refuses). */
export function preferredEncoding(header: string | undefined): 'br' | 'gzip' | undefined {
  const accepted = new Set<string>();
  for (const part of (header ?? '').split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (q && Number(q.slice(2)) === 0) continue;
    accepted.add(name.trim());
  }
  if (accepted.has('br')) return 'br';
  if (accepted.has('gzip')) return 'gzip';
  return undefined;
}

function sendBuilt(req: Request, res: Response, ext: string, file: BuiltFile, cacheControl: string): void {
  const encoding = preferredEncoding(req.get('accept-encoding'));
  const body = (encoding && file[encoding]) || file.body;
  res.setHeader('Cache-Control', cacheControl);
  if (file.br || file.gzip) res.setHeader('Vary', 'Accept-Encoding');
  if (body !== file.body && encoding) res.setHeader('Content-Encoding', encoding);
  res.type(ext).send(body);
}
