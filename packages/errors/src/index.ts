// Domain errors carry a stable code that clients match on, and a kind (a domain word, not an HTTP
// status). Only packages/http maps kinds to statuses. No dependencies, so src/domain may import it.

export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'rejected'
  | 'payment_required'
  | 'too_many'
  | 'unavailable';

export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly kind: ErrorKind;
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A problem+json body as RFC 9457 defines it, plus our stable `code`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code: string;
  traceId?: string;
  [extension: string]: unknown;
}

/**
 * A problem answered by another service (through Dapr invocation). Relayed as-is so the caller's
 * client sees the code the owning service chose, not a generic 502.
 */
export class UpstreamProblemError extends Error {
  constructor(
    readonly problem: Problem,
    readonly service: string,
  ) {
    super(`${service}: ${problem.code} ${problem.detail ?? problem.title}`);
    this.name = 'UpstreamProblemError';
  }
}

/** A dependency (sidecar, store, another service) did not answer usefully. */
export class DependencyUnavailableError extends DomainError {
  readonly code = 'DEPENDENCY.UNAVAILABLE';
  readonly kind = 'unavailable';
  constructor(dependency: string, reason: string) {
    super(`${dependency} is unavailable: ${reason}`, { dependency });
  }
}

/** Input that passed schema validation but breaks a domain rule. */
export class InvalidInputError extends DomainError {
  readonly kind = 'invalid';
  constructor(
    readonly code: string,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(message, details);
  }
}
