import { sendProblem, problem } from '@dbcarts/http';
import type { NextFunction, Request, Response } from 'express';
import { RateLimiterMemory, type RateLimiterRes } from 'rate-limiter-flexible';

export interface RateLimitSettings {
  points: number;
  windowSeconds: number;
}

/**
 * Per-client request budget at the edge, with the IETF RateLimit-Policy / RateLimit headers on
 * every answer and Retry-After on a 429. In-memory per gateway instance for now; a shared store
 * comes with the identity work (issue 5), where limits are also keyed by user.
 */
export function rateLimit(settings: RateLimitSettings) {
  const limiter = new RateLimiterMemory({ points: settings.points, duration: settings.windowSeconds });
  const policy = `"default";q=${settings.points};w=${settings.windowSeconds}`;
  const headers = (res: Response, r: RateLimiterRes) => {
    res.setHeader('RateLimit-Policy', policy);
    res.setHeader('RateLimit', `"default";r=${Math.max(0, r.remainingPoints)};t=${Math.ceil(r.msBeforeNext / 1000)}`);
  };
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      headers(res, await limiter.consume(req.ip ?? 'unknown'));
      next();
    } catch (rejection) {
      if (rejection instanceof Error) return next(rejection);
      const r = rejection as RateLimiterRes;
      headers(res, r);
      const retryAfterSeconds = Math.max(1, Math.ceil(r.msBeforeNext / 1000));
      sendProblem(
        res,
        problem(429, 'RATE_LIMITED', 'Too many requests', `Retry in ${retryAfterSeconds} s.`, { retryAfterSeconds }),
      );
    }
  };
}
