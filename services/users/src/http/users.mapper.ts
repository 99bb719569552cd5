import type { AddressDto, SessionDto, UserDto } from '../../contract';
import type { SessionView } from '../domain/session';
import type { Address, User } from '../domain/user';

// Public fields only: password hashes and internal ids of owners never leave the service.
export const toUserDto = (u: User): UserDto => ({ id: u.id, email: u.email, name: u.name, roles: [...u.roles] });

export const toAddressDto = (a: Address): AddressDto => ({
  id: a.id,
  name: a.name,
  line1: a.line1,
  line2: a.line2,
  city: a.city,
  postalCode: a.postalCode,
  country: a.country,
});

const iso = (ms: number) => new Date(ms).toISOString();

export const toSessionDto = (s: SessionView): SessionDto => ({
  id: s.id,
  createdAt: iso(s.createdAt),
  lastUsedAt: iso(s.lastUsedAt),
  expiresAt: iso(s.expiresAt),
  current: s.current,
});
