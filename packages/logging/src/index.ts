import { AsyncLocalStorage } from 'node:async_hooks';
import { type Logger, pino } from 'pino';

export type { Logger };

export interface RequestContext {
  requestId: string;
  traceId?: string;
  /** The W3C traceparent the request came with, passed on to outgoing Dapr calls. */
  traceparent?: string;
}

// Request-scoped ids ride along the async call chain so every log line of a request carries them
// without passing a logger through every function.
const requestContext = new AsyncLocalStorage<RequestContext>();

export function runWithRequestContext<T>(ctx: RequestContext, fn: () => T): T {
  return requestContext.run(ctx, fn);
}

export function currentRequestContext(): RequestContext | undefined {
  return requestContext.getStore();
}

export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: () => {
      const ctx = requestContext.getStore();
      return ctx ? { requestId: ctx.requestId, traceId: ctx.traceId } : {};
    },
    redact: {
      paths: ['password', '*.password', 'req.headers.authorization', 'token', '*.token'],
      censor: '[redacted]',
    },
  });
}
