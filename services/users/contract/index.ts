import { z } from 'zod';

// The users service's wire contract, shared with the gateway through client/.

const Email = z.email().max(254);
// Length is the rule (NIST 800-63B): at least 10, at most 128 so the KDF input stays bounded.
const Password = z.string().min(10, 'a password has at least 10 characters').max(128);
const Name = z.string().trim().min(1).max(100);

export const RegisterBody = z.strictObject({ email: Email, password: Password, name: Name });
export const LoginBody = z.strictObject({ email: z.string().max(254), password: z.string().max(128) });
export const RefreshBody = z.strictObject({ refreshToken: z.string().min(10).max(200) });
export const ProfilePatch = z.strictObject({ name: Name });
export const AddressBody = z.strictObject({
  name: Name,
  line1: z.string().trim().min(1).max(200),
  line2: z.string().trim().max(200).default(''),
  city: z.string().trim().min(1).max(100),
  postalCode: z.string().trim().min(1).max(20),
  country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 country code'),
});
export type AddressBody = z.infer<typeof AddressBody>;
export const UserIdParams = z.strictObject({ id: z.uuid() });
export const AddressParams = z.strictObject({ id: z.uuid(), addressId: z.uuid() });
export const SessionParams = z.strictObject({ sid: z.uuid() });
export const UserSessionParams = z.strictObject({ id: z.uuid(), sid: z.uuid() });
export const SessionListQuery = z.strictObject({ current: z.uuid().optional() });

export interface SessionDto {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  /** The session of the token that asked. */
  current: boolean;
}

export interface UserDto {
  id: string;
  email: string;
  name: string;
  roles: string[];
}

export interface AddressDto extends AddressBody {
  id: string;
}

export interface TokenPairDto {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}
