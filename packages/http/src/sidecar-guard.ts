import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/** The routes only a sidecar calls on an app that also serves the public (pub/sub, actors, config). */
export const SIDECAR_PATHS = ['/dapr', '/events', '/actors'];

const PROBES = new Set(['/healthz', '/readyz']);

/**
 * A path as any router or proxy in front might understand it: percent-decoded (repeatedly, so
 * %252F is caught too), lower-cased, empty and `.` segments dropped, `..` resolved, no trailing
 * slash. Express matches routes case-insensitively and ignores a trailing slash, so a guard that
 * compares the raw path is bypassed by `/EVENTS/...`; comparing this form refuses every spelling
 * that could reach the route, and more.
 */
export function canonicalPath(raw: string): string {
  let path = raw;
  for (let i = 0; i < 3 && path.includes('%'); i++) {
    try {
      const decoded = decodeURIComponent(path);
      if (decoded === path) break;
      path = decoded;
    } catch {
      break; // not valid percent-encoding: judge it as it stands
    }
  }
  const out: string[] = [];
  for (const segment of path.toLowerCase().split(/[/\\]+/)) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return `/${out.join('/')}`;
}

function under(path: string, prefixes: string[]): boolean {
  return prefixes.some((p) => path === p || path.startsWith(`${p}/`));
}

/**
 * Refuses calls that did not come through the sidecar (Dapr app API token, `dapr-api-token`).
 * With `paths`, only those prefixes are guarded (a public app); without, everything but the
 * probes is. The refusal is the router's own 404, so a caller without the token learns nothing.
 */
export function sidecarGuard(
  token: string,
  paths: string[] | undefined,
  refuse: (req: Request, res: Response) => void,
) {
  const expected = createHash('sha256').update(token).digest();
  const prefixes = paths?.map((p) => canonicalPath(p));
  return (req: Request, res: Response, next: NextFunction) => {
    if (PROBES.has(req.path)) return next();
    if (prefixes && !under(canonicalPath(req.path), prefixes)) return next();
    const given = createHash('sha256')
      .update(req.get('dapr-api-token') ?? '')
      .digest();
    if (timingSafeEqual(given, expected)) return next();
    refuse(req, res);
  };
}
