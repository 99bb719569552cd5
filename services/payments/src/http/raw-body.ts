import type { IncomingMessage } from 'node:http';
import { problem, sendProblem } from '@dbcarts/http';
import express, { type Express, type Request } from 'express';

const raw = new WeakMap<IncomingMessage, Buffer>();

/** The exact bytes of a request read by withRawBodies (undefined for any other request). */
export function rawBodyOf(req: Request): Buffer | undefined {
  return raw.get(req);
}

/**
 * Webhook signatures cover the exact bytes the provider sent, and the service's JSON parser (in
 * packages/http, for every route) would consume and re-encode them. This reads POST bodies under
 * `prefix` first, keeping them as they came; the parser then finds the stream finished and skips.
 * Only calls that carry the sidecar's token are read (the guard inside refuses the others).
 */
export function withRawBodies(app: Express, opts: { prefix: string; limitBytes: number; token?: string }): Express {
  const outer = express();
  outer.disable('x-powered-by');
  outer.set('etag', false);
  outer.use(opts.prefix, (req, res, next) => {
    if (req.method !== 'POST' || (opts.token && req.get('dapr-api-token') !== opts.token)) return next();
    const declared = Number(req.get('content-length') ?? 0);
    if (declared > opts.limitBytes) return void tooLarge(res, opts.limitBytes);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= opts.limitBytes) chunks.push(c);
    });
    req.on('end', () => {
      if (size > opts.limitBytes) return void tooLarge(res, opts.limitBytes);
      raw.set(req, Buffer.concat(chunks));
      next();
    });
    req.on('error', next);
  });
  outer.use(app);
  return outer;
}

function tooLarge(res: express.Response, limit: number): void {
  sendProblem(
    res,
    problem(413, 'REQUEST.TOO_LARGE', 'Request body too large', `Bodies are limited to ${limit} bytes.`),
  );
}
