import { randomUUID } from 'node:crypto';
import { isDuplicateKey } from '@dbcarts/db';
import type { DataSource, Repository } from 'typeorm';
import type { StoredUser, UserRepositoryPort } from '../../app/ports/user.repository.port';
import { type Address, type AddressDraft, EmailTakenError, type Role, type User } from '../../domain/user';
import { AddressEntity, UserEntity } from './user.entity';

export class TypeormUserRepository implements UserRepositoryPort {
  private readonly users: Repository<UserEntity>;
  private readonly addrs: Repository<AddressEntity>;

  constructor(ds: DataSource) {
    this.users = ds.getRepository(UserEntity);
    this.addrs = ds.getRepository(AddressEntity);
  }

  async create(u: { email: string; name: string; roles: Role[]; passwordHash: string }): Promise<User> {
    const id = randomUUID();
    try {
      await this.users.insert({ id, ...u });
    } catch (e) {
      if (isDuplicateKey(e)) throw new EmailTakenError();
      throw e;
    }
    return (await this.findById(id)) as User;
  }

  async findByEmail(email: string): Promise<StoredUser | undefined> {
    const row = await this.users.findOne({ where: { email } });
    return row ? { ...toUser(row), passwordHash: row.passwordHash } : undefined;
  }

  async findById(id: string): Promise<User | undefined> {
    const row = await this.users.findOne({ where: { id } });
    return row ? toUser(row) : undefined;
  }

  async updateName(id: string, name: string): Promise<User | undefined> {
    await this.users.update({ id }, { name });
    return this.findById(id);
  }

  async addresses(userId: string): Promise<Address[]> {
    return (await this.addrs.find({ where: { userId }, order: { name: 'ASC' } })).map(toAddress);
  }

  async addAddress(userId: string, d: AddressDraft): Promise<Address> {
    const row = { id: randomUUID(), userId, ...d };
    await this.addrs.insert(row);
    return toAddress(row as AddressEntity);
  }

  async deleteAddress(userId: string, addressId: string): Promise<boolean> {
    const r = await this.addrs.delete({ id: addressId, userId });
    return (r.affected ?? 0) > 0;
  }
}

const toUser = (u: UserEntity): User => ({
  id: u.id,
  email: u.email,
  name: u.name,
  roles: u.roles,
  createdAt: u.createdAt,
});
const toAddress = (a: AddressEntity): Address => ({
  id: a.id,
  userId: a.userId,
  name: a.name,
  line1: a.line1,
  line2: a.line2,
  city: a.city,
  postalCode: a.postalCode,
  country: a.country,
});
