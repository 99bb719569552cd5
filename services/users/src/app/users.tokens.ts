import type { LoginBudget } from './ports/auth.ports';

export const USERS = {
  Users: Symbol('UserRepository'),
  Hasher: Symbol('PasswordHasher'),
  Signer: Symbol('TokenSigner'),
  Sessions: Symbol('SessionStore'),
  Settings: Symbol('UsersSettings'),
  LoginAttempts: Symbol('LoginAttempts'),
  Kdf: Symbol('KdfQueue'),
} as const;

export interface UsersSettings {
  refreshTtlSeconds: number;
  /** Login attempts per account (or per unknown email) and window. */
  loginBudget: LoginBudget;
}
