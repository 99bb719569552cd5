import type { Address, AddressDraft, Role, User } from '../../domain/user';

export interface StoredUser extends User {
  passwordHash: string;
}

export interface UserRepositoryPort {
  /** Throws EmailTakenError when the (normalized) email exists. */
  create(user: { email: string; name: string; roles: Role[]; passwordHash: string }): Promise<User>;
  findByEmail(email: string): Promise<StoredUser | undefined>;
  findById(id: string): Promise<User | undefined>;
  updateName(id: string, name: string): Promise<User | undefined>;
  addresses(userId: string): Promise<Address[]>;
  addAddress(userId: string, draft: AddressDraft): Promise<Address>;
  /** Scoped to the owner: someone else's address id deletes nothing (and answers false). */
  deleteAddress(userId: string, addressId: string): Promise<boolean>;
}
