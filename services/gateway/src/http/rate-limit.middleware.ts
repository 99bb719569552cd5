import { problem, sendProblem } from '@dbcarts/http';
import type { NextFunction, Request, Response } from 'express';
import type { Redis } from 'ioredis';
import { LeasedRateLimiter, type LimitDecision } from '../infra/leased-rate-limiter';
import { clientKey } from './client-key';
import { countRateLimit } from './edge.metrics';

export interface RateLimitSettings {
  points: number;
  windowSeconds: number;
}

export interface RateLimitOptions {
  /** Shared budget across gateway instances; without it each instance counts alone. */
  redis?: Redis;
  /** Current limits; read on every request so a live change (Dapr Configuration) applies at once. */
  settings: () => RateLimitSettings;
}

/**
 * Per-client request budget at the edge with the IETF RateLimit-Policy / RateLimit headers on
 * every answer and Retry-After on a 429, shared by every gateway instance (LeasedRateLimiter).
 */
export function rateLimit(opts: RateLimitOptions) {
  let limiter: LeasedRateLimiter | undefined;
  let policy = '';
  const answer = (res: Response, next: NextFunction, d: LimitDecision) => {
    res.setHeader('RateLimit-Policy', policy);
    res.setHeader('RateLimit', `"default";r=${Math.max(0, d.remaining)};t=${Math.ceil(d.msBeforeNext / 1000)}`);
    if (d.allowed) {
      countRateLimit('allowed');
      return next();
    }
    countRateLimit('limited');
    const retryAfterSeconds = Math.max(1, Math.ceil(d.msBeforeNext / 1000));
    sendProblem(
      res,
      problem(429, 'RATE_LIMITED', 'Too many requests', `Retry in ${retryAfterSeconds} s.`, { retryAfterSeconds }),
    );
  };
  // Synchronous while a lease lasts (nearly every request): no promise per request on the hot path.
  return (req: Request, res: Response, next: NextFunction) => {
    const s = opts.settings();
    if (!limiter || limiter.points !== s.points || limiter.windowSeconds !== s.windowSeconds) {
      limiter = new LeasedRateLimiter(s.points, s.windowSeconds, opts.redis);
      policy = `"default";q=${s.points};w=${s.windowSeconds}`;
    }
    // Without X-Forwarded-For, req.ip is the socket's address: skip proxy-addr's parsing and trust
    // check (a few µs per request); with it, express applies `trust proxy` as configured.
    const key = clientKey(req.headers['x-forwarded-for'] === undefined ? req.socket.remoteAddress : req.ip);
    const local = limiter.consumeLocal(key);
    if (local) return answer(res, next, local);
    limiter.consume(key).then((d) => answer(res, next, d), next);
  };
}
