export const USERS = {
  Users: Symbol('UserRepository'),
  Hasher: Symbol('PasswordHasher'),
  Signer: Symbol('TokenSigner'),
  Sessions: Symbol('SessionStore'),
  Settings: Symbol('UsersSettings'),
} as const;

export interface UsersSettings {
  refreshTtlSeconds: number;
}
