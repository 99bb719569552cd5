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

  /**
   * The problem's public `detail`. Domain messages are written for the client, so by default the
   * message; an error whose message carries internals (addresses, driver text) says something else.
   */
  get publicDetail(): string {
    return this.message;
  }
}

/** How long a client is told to wait (Retry-After) after a dependency fault before trying again. */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;

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

export interface DependencyFaultOptions {
  /** Who failed, in words a client can use ("The catalog service"); infrastructure stays unnamed. */
  publicName?: string;
  retryAfterSeconds?: number;
}

/**
 * A dependency (sidecar, store, another service) did not answer usefully. `dependency` and `reason`
 * are internal (Dapr error codes, addresses, dial and driver text): they make the message, which is
 * logged under the request id. A client reads only the public sentence.
 */
export class DependencyUnavailableError extends DomainError {
  readonly code = 'DEPENDENCY.UNAVAILABLE';
  readonly kind = 'unavailable';
  private readonly publicName: string;

  constructor(
    readonly dependency: string,
    reason: string,
    opts: DependencyFaultOptions = {},
  ) {
    super(`${dependency} is unavailable: ${reason}`, {
      retryAfterSeconds: opts.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS,
    });
    this.publicName = opts.publicName ?? 'A service this request needs';
  }

  override get publicDetail(): string {
    return `${this.publicName} is unavailable; try again shortly.`;
  }
}

/** A request ran past its deadline (packages/http answers it so; the handler's late answer is dropped). */
export class DeadlineExceededError extends DomainError {
  readonly code = 'SERVICE.DEADLINE_EXCEEDED';
  readonly kind = 'unavailable';
  constructor(deadlineMs: number) {
    super(`The request could not be completed within ${Math.ceil(deadlineMs / 1000)} s; try again shortly.`, {
      retryAfterSeconds: DEFAULT_RETRY_AFTER_SECONDS,
    });
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
