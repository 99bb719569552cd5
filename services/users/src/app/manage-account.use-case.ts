import { inject, injectable } from 'tsyringe';
import {
  type Address,
  type AddressDraft,
  AddressNotFoundError,
  EmailTakenError,
  normalizeEmail,
  type Role,
  type User,
  UserNotFoundError,
} from '../domain/user';
import type { KdfQueue } from './kdf-queue';
import type { PasswordHasherPort } from './ports/auth.ports';
import type { UserRepositoryPort } from './ports/user.repository.port';
import { USERS } from './users.tokens';

@injectable()
export class ManageAccountUseCase {
  constructor(
    @inject(USERS.Users) private readonly users: UserRepositoryPort,
    @inject(USERS.Hasher) private readonly hasher: PasswordHasherPort,
    @inject(USERS.Kdf) private readonly kdf: KdfQueue,
  ) {}

  /**
   * Everyone who registers is a customer; roles are never taken from the request. The hash waits
   * in the registration lane of the KDF queue (KdfBusyError when it is full), so registrations
   * cannot take the places logins need.
   */
  async register(email: string, password: string, name: string, roles: Role[] = ['customer']): Promise<User> {
    const normalized = normalizeEmail(email);
    const kdf = this.kdf.admit('register');
    try {
      // A taken email costs no KDF (the 409 says as much anyway); the unique key still decides a race.
      if (await this.users.findByEmail(normalized)) throw new EmailTakenError();
      const passwordHash = await kdf.run(() => this.hasher.hash(password));
      return await this.users.create({ email: normalized, name: name.trim(), roles, passwordHash });
    } finally {
      kdf.release();
    }
  }

  /** The admin account from the secret store, created once. */
  async ensureAdmin(email: string, password: string): Promise<'created' | 'exists'> {
    if (await this.users.findByEmail(normalizeEmail(email))) return 'exists';
    await this.register(email, password, 'Administrator', ['customer', 'admin']);
    return 'created';
  }

  async me(userId: string): Promise<User> {
    const user = await this.users.findById(userId);
    if (!user) throw new UserNotFoundError();
    return user;
  }

  async rename(userId: string, name: string): Promise<User> {
    const user = await this.users.updateName(userId, name.trim());
    if (!user) throw new UserNotFoundError();
    return user;
  }

  addresses(userId: string): Promise<Address[]> {
    return this.users.addresses(userId);
  }

  addAddress(userId: string, draft: AddressDraft): Promise<Address> {
    return this.users.addAddress(userId, draft);
  }

  async deleteAddress(userId: string, addressId: string): Promise<void> {
    // Someone else's address answers exactly like a missing one (no object-level leak).
    if (!(await this.users.deleteAddress(userId, addressId))) throw new AddressNotFoundError();
  }
}
