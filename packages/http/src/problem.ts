import {
  DEFAULT_RETRY_AFTER_SECONDS,
  DomainError,
  type ErrorKind,
  type Problem,
  UpstreamProblemError,
} from '@dbcarts/errors';
import { currentRequestContext } from '@dbcarts/logging';
import type { Response } from 'express';
import { ZodError } from 'zod';

// The only place that knows HTTP statuses for domain error kinds.
const STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rejected: 422,
  payment_required: 402,
  too_many: 429,
  unavailable: 503,
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problem(status: number, code: string, title: string, detail?: string, ext: object = {}): Problem {
  // Extensions first: a detail named like a standard member (status, type) must never override it.
  return { ...ext, type: `urn:dbcarts:problem:${code}`, title, status, detail, code };
}

interface HttpParserError {
  type?: string;
  status?: number;
  expose?: boolean;
}

/**
 * Turns anything thrown into an RFC 9457 body. Unknown errors never leak their message or stack,
 * domain errors give their public detail only. The request id (this service's, also over a relayed
 * problem's) lets a client's report be matched with the log line that holds the internal reason.
 */
export function toProblem(err: unknown, traceId?: string): Problem {
  return finished(toProblemBody(err), traceId);
}

/**
 * The problem a DomainError of this kind and code gives, for a refusal that crossed a boundary as
 * data (an actor's batch answers one per item): the same body as toProblem(error), no Error built.
 */
export function refusalProblem(kind: ErrorKind, code: string, detail: string, details: object = {}): Problem {
  return finished(problem(STATUS[kind], code, code, detail, details));
}

function finished(body: Problem, traceId?: string): Problem {
  if (traceId) body.traceId = traceId;
  const requestId = currentRequestContext()?.requestId;
  if (requestId) body.requestId = requestId;
  // 503 means "try again later": always say when (RFC 9110 §10.2.3).
  if (body.status === 503 && typeof body.retryAfterSeconds !== 'number') {
    body.retryAfterSeconds = DEFAULT_RETRY_AFTER_SECONDS;
  }
  return body;
}

/** Writes a problem; 429 and 503 carry Retry-After from the body's `retryAfterSeconds`. */
export function sendProblem(res: Response, body: Problem): void {
  if ((body.status === 429 || body.status === 503) && typeof body.retryAfterSeconds === 'number') {
    res.setHeader('Retry-After', String(body.retryAfterSeconds));
  }
  res.status(body.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}

function toProblemBody(err: unknown): Problem {
  if (err instanceof DomainError) {
    return problem(STATUS[err.kind], err.code, err.code, err.publicDetail, err.details);
  }
  if (err instanceof UpstreamProblemError) return { ...err.problem };
  if (err instanceof ZodError) {
    return problem(400, 'REQUEST.INVALID', 'Request validation failed', 'One or more fields are invalid.', {
      errors: err.issues.map((i) => ({ path: i.path.join('.'), message: i.message, code: i.code })),
    });
  }
  const parser = err as HttpParserError;
  switch (parser?.type) {
    case 'entity.too.large':
      return problem(413, 'REQUEST.TOO_LARGE', 'Request body too large', 'Bodies are limited to 1 MiB.');
    case 'entity.parse.failed':
      return problem(400, 'REQUEST.MALFORMED_JSON', 'Malformed JSON', 'The request body is not valid JSON.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return problem(415, 'REQUEST.UNSUPPORTED_ENCODING', 'Unsupported encoding');
  }
  // The router's own refusal of a path parameter that is not valid percent-encoding (%E0%A4%A).
  if (err instanceof URIError && parser.status === 400) {
    return problem(400, 'REQUEST.MALFORMED_URI', 'Malformed URI', 'The request path is not valid percent-encoding.');
  }
  if (parser?.expose && typeof parser.status === 'number' && parser.status < 500) {
    return problem(parser.status, 'REQUEST.INVALID', 'Invalid request');
  }
  return problem(500, 'INTERNAL', 'Internal error', 'An unexpected error occurred; it has been logged.');
}
