import { problem, sendProblem } from '@dbcarts/http';
import { currentRequestContext } from '@dbcarts/logging';
import { routeTemplate } from '@dbcarts/metrics';
import { type NextFunction, type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { OpsBoard } from '../app/ops-board';
import type { OpsRecorder } from '../app/ops-recorder';
import type { StreamTickets } from '../app/ops-ticket';
import type { JwksTokenVerifier } from '../infra/jwks-token.verifier';
import { authenticate, principalOf } from './auth.middleware';

export interface OpsRoutesOptions {
  board: OpsBoard;
  tickets: StreamTickets;
  verifier: JwksTokenVerifier;
  /** True once the gateway is shutting down: no new streams (the board ends the open ones). */
  shuttingDown?: () => boolean;
}

/** The stream's one parameter (documented in openapi.ts). */
export const OpsStreamQuery = z.object({ ticket: z.string().max(512) });

export const OPS_STREAM_PATH = '/api/admin/ops/stream';
export const OPS_TICKETS_PATH = '/api/admin/ops/stream-tickets';

/**
 * The ops board's stream (issue 14). `POST …/stream-tickets` (admin Bearer token) → a 30-second,
 * single-use ticket; `GET …/stream?ticket=` → `text/event-stream`: `history` (chart points), then a
 * `snapshot` a second, `: heartbeat` comments, `bye` when the gateway shuts down. Beyond the board's
 * subscriber cap: 429 OPS.STREAM_FULL.
 */
export function opsRoutes(opts: OpsRoutesOptions): Router {
  const r = Router();
  const admin = authenticate(opts.verifier, 'admin');

  r.post(OPS_TICKETS_PATH, admin, (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.status(201).json(opts.tickets.issue(principalOf(res).sub));
  });

  r.get(OPS_STREAM_PATH, (req: Request, res: Response) => {
    const ticket = typeof req.query.ticket === 'string' ? req.query.ticket : undefined;
    if (!ticket) {
      return void sendProblem(
        res,
        problem(
          401,
          'OPS.TICKET_REQUIRED',
          'Stream ticket required',
          `POST ${OPS_TICKETS_PATH} for a ticket, then open this stream with ?ticket=.`,
        ),
      );
    }
    if (!opts.tickets.redeem(ticket)) {
      return void sendProblem(
        res,
        problem(
          401,
          'OPS.TICKET_INVALID',
          'Stream ticket not valid',
          'The ticket is unknown, expired or already used; ask for a new one.',
        ),
      );
    }
    if (opts.shuttingDown?.() || opts.board.full) {
      res.setHeader('Retry-After', '5');
      return void sendProblem(
        res,
        problem(
          429,
          'OPS.STREAM_FULL',
          'Too many ops streams',
          'This gateway serves as many ops streams as it may; try again shortly.',
        ),
      );
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      // Proxies (nginx) must pass each event on at once, not buffer the stream.
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    req.socket.setNoDelay(true);
    opts.board.subscribe(res);
    res.once('close', () => opts.board.unsubscribe(res));
  });
  return r;
}

/**
 * Mounted before the API routes: counts successful drop claims per SKU and times every checkout
 * with its trace id, for the board. It asks the router which route answered (the template and
 * params it matched, as the RED metrics name requests), so every spelling express accepts counts and
 * nothing parses paths a second time; only answers of the real route (201 for a claim) count.
 */
export function opsRecording(recorder: OpsRecorder) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'POST') return next();
    const started = performance.now();
    // The request's context, whose trace id the app's middleware has already worked out.
    const context = currentRequestContext();
    res.once('finish', () => {
      const route = routeTemplate(req);
      if (route === CHECKOUT_ROUTE) {
        recorder.checkout(performance.now() - started, res.statusCode, context?.traceId);
      } else if (route === CLAIMS_ROUTE && res.statusCode === 201 && res.getHeader('idempotent-replayed') !== 'true') {
        recorder.claimed(String(req.params.sku));
      }
    });
    next();
  };
}

const CHECKOUT_ROUTE = '/api/orders';
const CLAIMS_ROUTE = '/api/flash-sales/:sku/claims';
