import { problem, sendProblem } from '@dbcarts/http';
import type { NextFunction, Request, Response } from 'express';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterRes } from 'rate-limiter-flexible';

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
 * Per-client request budget at the edge with the IETF RateLimit-Policy / RateLimit headers and
 * Retry-After on a 429. The count lives in Redis so every gateway instance draws on one budget.
 * When Redis is down the limiter fails OPEN to a per-instance in-memory limiter (the insurance
 * limiter, sized to the same limit): the store stays up with looser limits rather than refusing
 * every customer because of the limiter.
 */
export function rateLimit(opts: RateLimitOptions) {
  let current: { key: string; limiter: RateLimiterMemory | RateLimiterRedis } | undefined;
  const limiterFor = (s: RateLimitSettings) => {
    const key = `${s.points}/${s.windowSeconds}`;
    if (current?.key !== key) {
      const memory = new RateLimiterMemory({ points: s.points, duration: s.windowSeconds });
      const limiter = opts.redis
        ? new RateLimiterRedis({
            storeClient: opts.redis,
            keyPrefix: `dbcarts:rl:${key}`,
            points: s.points,
            duration: s.windowSeconds,
            insuranceLimiter: memory,
          })
        : memory;
      current = { key, limiter };
    }
    return current.limiter;
  };

  return async (req: Request, res: Response, next: NextFunction) => {
    const s = opts.settings();
    const headers = (r: RateLimiterRes) => {
      res.setHeader('RateLimit-Policy', `"default";q=${s.points};w=${s.windowSeconds}`);
      res.setHeader('RateLimit', `"default";r=${Math.max(0, r.remainingPoints)};t=${Math.ceil(r.msBeforeNext / 1000)}`);
    };
    try {
      headers(await limiterFor(s).consume(req.ip ?? 'unknown'));
      next();
    } catch (rejection) {
      if (rejection instanceof Error) return next(rejection);
      const r = rejection as RateLimiterRes;
      headers(r);
      const retryAfterSeconds = Math.max(1, Math.ceil(r.msBeforeNext / 1000));
      sendProblem(
        res,
        problem(429, 'RATE_LIMITED', 'Too many requests', `Retry in ${retryAfterSeconds} s.`, { retryAfterSeconds }),
      );
    }
  };
}
