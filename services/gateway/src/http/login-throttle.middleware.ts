import { DomainError } from '@dbcarts/errors';
import type { NextFunction, Request, Response } from 'express';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterRes } from 'rate-limiter-flexible';

export class TooManyLoginsError extends DomainError {
  readonly code = 'AUTH.TOO_MANY_ATTEMPTS';
  readonly kind = 'too_many';
}

export interface LoginThrottleOptions {
  /** Shared counts (every gateway instance); without it, or while it is down, each instance counts alone. */
  redis?: Redis;
  perIpPerMinute?: number;
  failuresPerAccount?: number;
  accountWindowSeconds?: number;
}

/**
 * Login throttling: attempts per client address, and FAILED attempts per account, counted in Redis
 * so that N gateway instances do not give an attacker N times the attempts. A real user who
 * mistyped is blocked for minutes, not forever; a success clears the account's count.
 */
export function loginThrottle(opts: LoginThrottleOptions = {}) {
  const limiter = (keyPrefix: string, points: number, duration: number) => {
    const memory = new RateLimiterMemory({ keyPrefix, points, duration });
    return opts.redis
      ? new RateLimiterRedis({ storeClient: opts.redis, keyPrefix, points, duration, insuranceLimiter: memory })
      : memory;
  };
  const perIp = limiter('dbcarts:login-ip', opts.perIpPerMinute ?? 30, 60);
  const perAccount = limiter('dbcarts:login-fail', opts.failuresPerAccount ?? 10, opts.accountWindowSeconds ?? 900);
  const blocked = (res: Response, next: NextFunction, r: RateLimiterRes) => {
    const retryAfterSeconds = Math.max(1, Math.ceil(r.msBeforeNext / 1000));
    res.setHeader('Retry-After', String(retryAfterSeconds));
    next(new TooManyLoginsError(`Too many login attempts; retry in ${retryAfterSeconds} s`, { retryAfterSeconds }));
  };
  return async (req: Request, res: Response, next: NextFunction) => {
    const account = typeof req.body?.email === 'string' ? req.body.email.trim().toLowerCase() : '';
    try {
      await perIp.consume(req.ip ?? 'unknown');
      const acc = await perAccount.get(account);
      if (acc && acc.remainingPoints <= 0) return blocked(res, next, acc);
    } catch (r) {
      if (r instanceof Error) return next(r);
      return blocked(res, next, r as RateLimiterRes);
    }
    res.on('finish', () => {
      if (res.statusCode === 401) void perAccount.penalty(account, 1).catch(() => undefined);
      else if (res.statusCode < 300) void perAccount.delete(account).catch(() => undefined);
    });
    next();
  };
}
