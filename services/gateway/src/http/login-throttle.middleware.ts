import { DomainError } from '@dbcarts/errors';
import type { NextFunction, Request, Response } from 'express';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterRes } from 'rate-limiter-flexible';
import { clientKey } from './client-key';

export class TooManyLoginsError extends DomainError {
  readonly code = 'AUTH.TOO_MANY_ATTEMPTS';
  readonly kind = 'too_many';
}

export class TooManyRegistrationsError extends DomainError {
  readonly code = 'AUTH.TOO_MANY_REGISTRATIONS';
  readonly kind = 'too_many';
}

export interface LoginThrottleOptions {
  /** Shared counts (every gateway instance); without it, or while it is down, each instance counts alone. */
  redis?: Redis;
  perIpPerMinute?: number;
  registrationsPerIpPerHour?: number;
}

/**
 * Password attempts per client address (POST /api/auth/login and the OIDC sign-in form), counted
 * in Redis so N gateway instances do not give a client N times the attempts. The per-ACCOUNT
 * budget is the users service's: only it knows which account an email names (its lookup's
 * collation makes `ádmin@` and `admin@` one account), and it counts before checking a password.
 */
export function loginThrottle(opts: LoginThrottleOptions = {}) {
  return perAddress(opts, 'dbcarts:login-ip', opts.perIpPerMinute ?? 30, 60, (s) => {
    return new TooManyLoginsError(`Too many login attempts; retry in ${s} s`, { retryAfterSeconds: s });
  });
}

/**
 * Registrations per client address: each costs a 32 MiB scrypt and a row, so one client may not
 * create accounts without end (60 concurrent from one address were all accepted). Counted when
 * the request arrives, whatever its outcome, so parallel requests cannot pass together.
 */
export function registrationThrottle(opts: LoginThrottleOptions = {}) {
  return perAddress(opts, 'dbcarts:register-ip', opts.registrationsPerIpPerHour ?? 20, 3600, (s) => {
    return new TooManyRegistrationsError(`Too many registrations from this address; retry in ${s} s`, {
      retryAfterSeconds: s,
    });
  });
}

function perAddress(
  opts: LoginThrottleOptions,
  keyPrefix: string,
  points: number,
  duration: number,
  refusal: (retryAfterSeconds: number) => DomainError,
) {
  const memory = new RateLimiterMemory({ keyPrefix, points, duration });
  const limiter = opts.redis
    ? new RateLimiterRedis({ storeClient: opts.redis, keyPrefix, points, duration, insuranceLimiter: memory })
    : memory;
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      await limiter.consume(clientKey(req.ip));
    } catch (r) {
      if (r instanceof Error) return next(r);
      const retryAfterSeconds = Math.max(1, Math.ceil((r as RateLimiterRes).msBeforeNext / 1000));
      res.setHeader('Retry-After', String(retryAfterSeconds));
      return next(refusal(retryAfterSeconds));
    }
    next();
  };
}
