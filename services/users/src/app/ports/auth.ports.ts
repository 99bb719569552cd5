import type { Session } from '../../domain/session';
import type { Role } from '../../domain/user';

export interface PasswordHasherPort {
  hash(password: string): Promise<string>;
  /** Constant-time comparison; false for a malformed hash. */
  verify(password: string, hash: string): Promise<boolean>;
  /** A hash to verify against when the email is unknown, so both paths cost the same. */
  decoy(): Promise<string>;
}

export interface AccessClaims {
  sub: string;
  email: string;
  roles: Role[];
  sid: string;
}

export interface TokenSignerPort {
  /** A signed access token (JWT) and its lifetime in seconds. */
  sign(claims: AccessClaims): Promise<{ token: string; expiresIn: number }>;
}

export interface SessionStorePort {
  get(id: string): Promise<Session | undefined>;
  put(session: Session): Promise<void>;
  /** Saves a new session and lists it under its user (for the customer's own list of sessions). */
  create(session: Session): Promise<void>;
  /** The sessions listed under a user, in any state: the caller decides which still count. */
  listForUser(userId: string): Promise<Session[]>;
}

export interface LoginBudget {
  /** Attempts per window; a success starts the count over. */
  attempts: number;
  windowSeconds: number;
}

export type LoginAttempt = { admitted: true } | { admitted: false; retryAfterSeconds: number };

export interface LoginAttemptsPort {
  /**
   * Counts one attempt against `subject`'s budget, atomically and shared by every instance, BEFORE
   * its password is checked: of N parallel guesses at most the budget are admitted.
   */
  begin(subject: string, budget: LoginBudget): Promise<LoginAttempt>;
  /** A success: the subject's count starts over. */
  clear(subject: string): Promise<void>;
}
