import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createLogger, type Logger, runWithRequestContext } from '@dbcarts/logging';
import { metricsSnapshot, redMetrics, routeTemplate, setServiceLabel, UNMATCHED } from '@dbcarts/metrics';
import { currentTraceId, requestTracing } from '@dbcarts/telemetry';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { DEFAULT_REQUEST_DEADLINE_MS, requestDeadline } from './deadline';
import { problem, sendProblem, toProblem } from './problem';
import { DEFAULT_READINESS_TIMEOUT_MS, type ReadinessCheck, readinessHandler } from './readiness';
import { canonicalPath, sidecarGuard } from './sidecar-guard';

export type { ReadinessCheck };
export { sendProblem };

export interface AppOptions {
  service: string;
  logger?: Logger;
  /** Named checks behind /readyz: each throws when its dependency is not ready. */
  readiness?: Record<string, ReadinessCheck>;
  /** Mounts the service's routes; runs before the 404 and error handlers are added. */
  routes: (app: Express) => void;
  /** Path prefixes whose bodies are left unparsed for the route to read (webhooks signed over raw bytes). */
  rawBodyPaths?: string[];
  /** Bodies over this are refused with 413. */
  bodyLimit?: string;
  /** A request not answered by then gets 503 SERVICE.DEADLINE_EXCEEDED (the bounds inside it: deadline.ts). */
  requestDeadlineMs?: number;
  /** A readiness check that has not answered by then counts as failed. */
  readinessTimeoutMs?: number;
  /**
   * Routes only the sidecar may call (Dapr app API token, `dapr-api-token` header): all but the
   * probes for a service reached only through Dapr; `paths` (prefixes, compared in canonical form
   * whatever the spelling, see sidecar-guard.ts) for one that also serves the public (the gateway's
   * SIDECAR_PATHS). Without a token configured nothing is checked.
   */
  sidecarOnly?: { token?: string; paths?: string[] };
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;
// Unique per process start + a counter: as traceable as a UUID, without crypto work per request.
const ID_PREFIX = randomUUID().slice(0, 8);
let sequence = 0;

/** Builds the express app without listening, so tests drive it in-process with supertest. */
export function createHttpApp(opts: AppOptions): Express {
  const log = opts.logger ?? createLogger(opts.service);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  // RED metrics of every request, first so they time everything after; GET /metrics is served on
  // METRICS_PORT by serve(), never on this (possibly public) app.
  setServiceLabel(opts.service);
  // The request's server span first, so everything after (metrics, logs, sidecar calls) is inside it.
  app.use(requestTracing((req) => matchedRoute(req as Request)));
  app.use(redMetrics());
  app.use(securityHeaders());

  app.use((req: Request, res: Response, next: NextFunction) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : `${ID_PREFIX}-${(++sequence).toString(36)}`;
    res.setHeader('x-request-id', requestId);
    const tp = req.get('traceparent');
    const traceparent = tp && tp.length <= 55 ? tp : undefined;
    runWithRequestContext({ requestId, traceparent, traceId: currentTraceId(traceparent) }, next);
  });
  app.use(requestDeadline(opts.requestDeadlineMs ?? DEFAULT_REQUEST_DEADLINE_MS, log));

  if (opts.sidecarOnly?.token) app.use(sidecarGuard(opts.sidecarOnly.token, opts.sidecarOnly.paths, notFound));

  const json = express.json({
    limit: opts.bodyLimit ?? '1mb',
    type: ['application/json', 'application/cloudevents+json', 'application/*+json'],
  });
  // Routes that need the exact bytes (a provider's signature over the raw body) read the stream
  // themselves; compared in canonical form, like the sidecar guard, so no spelling gets parsed.
  const raw = opts.rawBodyPaths?.map((p) => canonicalPath(p));
  app.use(
    raw?.length
      ? (req: Request, res: Response, next: NextFunction) => {
          const path = canonicalPath(req.path);
          if (raw.some((p) => path === p || path.startsWith(`${p}/`))) return next();
          json(req, res, next);
        }
      : json,
  );

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', service: opts.service });
  });
  app.get(
    '/readyz',
    readinessHandler(opts.readiness ?? {}, log, opts.readinessTimeoutMs ?? DEFAULT_READINESS_TIMEOUT_MS),
  );

  // The gateway's ops board reads this process's figures through Dapr service invocation: only on
  // a service the sidecar guard closes entirely (never on a public app such as the gateway's).
  if (opts.sidecarOnly?.token && !opts.sidecarOnly.paths) {
    app.get('/internal/metrics-snapshot', (_req, res, next) => {
      metricsSnapshot().then((samples) => res.json({ service: opts.service, samples }), next);
    });
  }

  opts.routes(app);

  app.use(notFound);
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const body = toProblem(err, currentTraceId());
    if (body.status >= 500) log.error({ err, method: req.method, path: req.path }, 'request failed');
    if (res.headersSent) return void res.end();
    sendProblem(res, body);
  });
  return app;
}

/**
 * helmet's headers (no CSP: these apps answer JSON), worked out once at start: each is the same on
 * every answer, and setting them from a list costs a fraction of running helmet's eleven
 * middlewares per request (measured on the gateway's hottest route).
 */
function securityHeaders(): (req: Request, res: Response, next: NextFunction) => void {
  const headers: [string, string][] = [];
  const recorder = {
    setHeader: (name: string, value: string) => void headers.push([name, value]),
    removeHeader: () => undefined,
  };
  helmet({ contentSecurityPolicy: false })(
    {} as IncomingMessage,
    recorder as unknown as ServerResponse,
    () => undefined,
  );
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}

function notFound(req: Request, res: Response): void {
  sendProblem(res, problem(404, 'ROUTE.NOT_FOUND', 'Not found', `No route for ${req.method} ${req.path}`));
}

/** The route template a request matched, for its span's name; none when no route did (404s, 429s). */
function matchedRoute(req: Request): string | undefined {
  const route = routeTemplate(req);
  return route === UNMATCHED ? undefined : route;
}
