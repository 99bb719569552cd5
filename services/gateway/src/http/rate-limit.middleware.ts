import { problem, sendProblem } from '@dbcarts/http';
import type { NextFunction, Request, Response } from 'express';
import type { Redis } from 'ioredis';
import { LeasedRateLimiter } from '../infra/leased-rate-limiter';

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
  return async (req: Request, res: Response, next: NextFunction) => {
    const s = opts.settings();
    if (!limiter || limiter.points !== s.points || limiter.windowSeconds !== s.windowSeconds) {
      limiter = new LeasedRateLimiter(s.points, s.windowSeconds, opts.redis);
    }
    let d: Awaited<ReturnType<LeasedRateLimiter['consume']>>;
    try {
      d = await limiter.consume(req.ip ?? 'unknown');
    } catch (err) {
      return next(err);
    }
    res.setHeader('RateLimit-Policy', `"default";q=${s.points};w=${s.windowSeconds}`);
    res.setHeader('RateLimit', `"default";r=${Math.max(0, d.remaining)};t=${Math.ceil(d.msBeforeNext / 1000)}`);
    if (d.allowed) return next();
    const retryAfterSeconds = Math.max(1, Math.ceil(d.msBeforeNext / 1000));
    sendProblem(
      res,
      problem(429, 'RATE_LIMITED', 'Too many requests', `Retry in ${retryAfterSeconds} s.`, { retryAfterSeconds }),
    );
  };
}
