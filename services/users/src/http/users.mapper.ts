import type { AddressDto, UserDto } from '../../contract';
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
