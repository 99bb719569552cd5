import { DomainError } from '@dbcarts/errors';
import type { NextFunction, Request, Response } from 'express';
import { RateLimiterMemory, type RateLimiterRes } from 'rate-limiter-flexible';

export class TooManyLoginsError extends DomainError {
  readonly code = 'AUTH.TOO_MANY_ATTEMPTS';
  readonly kind = 'too_many';
}

/**
 * Login throttling: attempts per client address, and FAILED attempts per account. A real user who
 * mistyped is blocked for minutes, not forever; a success clears the account's count.
 */
export function loginThrottle(opts = { perIpPerMinute: 30, failuresPerAccount: 10, accountWindowSeconds: 900 }) {
  const perIp = new RateLimiterMemory({ points: opts.perIpPerMinute, duration: 60 });
  const perAccount = new RateLimiterMemory({ points: opts.failuresPerAccount, duration: opts.accountWindowSeconds });
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
