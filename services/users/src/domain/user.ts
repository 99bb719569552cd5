import { DomainError } from '@dbcarts/errors';

export type Role = 'customer' | 'admin';

export interface User {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  createdAt: Date;
}

export interface Address {
  id: string;
  userId: string;
  name: string;
  line1: string;
  line2: string;
  city: string;
  postalCode: string;
  country: string;
}

export type AddressDraft = Omit<Address, 'id' | 'userId'>;

/** Emails compare case-insensitively and without surrounding space. */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

export class EmailTakenError extends DomainError {
  readonly code = 'USER.EMAIL_TAKEN';
  readonly kind = 'conflict';
  constructor() {
    super('An account with this email already exists');
  }
}

/** One answer for unknown email and wrong password alike: no account enumeration. */
export class InvalidCredentialsError extends DomainError {
  readonly code = 'AUTH.INVALID_CREDENTIALS';
  readonly kind = 'unauthenticated';
  constructor() {
    super('Email or password is wrong');
  }
}

export class InvalidRefreshTokenError extends DomainError {
  readonly code = 'AUTH.INVALID_REFRESH_TOKEN';
  readonly kind = 'unauthenticated';
  constructor(reason: 'unknown' | 'reused' | 'expired') {
    super(
      reason === 'reused' ? 'Refresh token reuse detected: the session was revoked' : 'Refresh token is not valid',
      { reason },
    );
  }
}

export class UserNotFoundError extends DomainError {
  readonly code = 'USER.NOT_FOUND';
  readonly kind = 'not_found';
  constructor() {
    super('No such user');
  }
}

export class AddressNotFoundError extends DomainError {
  readonly code = 'USER.ADDRESS_NOT_FOUND';
  readonly kind = 'not_found';
  constructor() {
    super('No such address');
  }
}

/** The account's budget of login attempts is spent: no password is checked until its window passes. */
export class TooManyLoginAttemptsError extends DomainError {
  readonly code = 'AUTH.TOO_MANY_ATTEMPTS';
  readonly kind = 'too_many';
  constructor(retryAfterSeconds: number) {
    super(`Too many login attempts; retry in ${retryAfterSeconds} s`, { retryAfterSeconds });
  }
}

/** This instance's password-hashing queue is full: refused at once rather than queued without end. */
export class KdfBusyError extends DomainError {
  readonly code = 'AUTH.BUSY';
  readonly kind = 'unavailable';
  constructor(retryAfterSeconds: number) {
    super(`Too many sign-ins and registrations in progress; retry in ${retryAfterSeconds} s`, { retryAfterSeconds });
  }
}
