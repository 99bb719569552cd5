import type { Sidecar } from '@dbcarts/dapr';
import type { AddressBody, AddressDto, SessionDto, TokenPairDto, UserDto } from '../contract';

export type { AddressBody, AddressDto, SessionDto, TokenPairDto, UserDto } from '../contract';

export const USERS_APP_ID = 'users';

/** The users service through the caller's sidecar. Problems (401, 409...) are thrown as the service answered them. */
export interface UsersClient {
  register(body: unknown): Promise<UserDto>;
  login(body: unknown): Promise<TokenPairDto>;
  refresh(body: unknown): Promise<TokenPairDto>;
  revokeSession(sessionId: string): Promise<void>;
  user(id: string): Promise<UserDto>;
  rename(id: string, body: unknown): Promise<UserDto>;
  addresses(id: string): Promise<AddressDto[]>;
  addAddress(id: string, body: AddressBody | unknown): Promise<AddressDto>;
  deleteAddress(id: string, addressId: string): Promise<void>;
  /** The user's live sessions; `currentSessionId` is marked `current`. */
  sessions(id: string, currentSessionId?: string): Promise<SessionDto[]>;
  /** Signs out one of the user's sessions (someone else's → 404 SESSION.NOT_FOUND). */
  revokeUserSession(id: string, sessionId: string): Promise<void>;
  jwks(): Promise<{ keys: object[] }>;
}

export function createUsersClient(sidecar: Sidecar, appId = USERS_APP_ID): UsersClient {
  const seg = encodeURIComponent;
  const call = async <T>(method: string, path: string, body?: unknown) =>
    (await sidecar.invokeService<T>(appId, method, path, { body })).body;
  return {
    register: (b) => call('POST', 'auth/register', b),
    login: (b) => call('POST', 'auth/login', b),
    refresh: (b) => call('POST', 'auth/refresh', b),
    revokeSession: async (sid) => void (await call('POST', `sessions/${seg(sid)}/revoke`)),
    user: (id) => call('GET', `users/${seg(id)}`),
    rename: (id, b) => call('PATCH', `users/${seg(id)}`, b),
    addresses: (id) => call('GET', `users/${seg(id)}/addresses`),
    addAddress: (id, b) => call('POST', `users/${seg(id)}/addresses`, b),
    deleteAddress: async (id, a) => void (await call('DELETE', `users/${seg(id)}/addresses/${seg(a)}`)),
    sessions: async (id, current) =>
      (await sidecar.invokeService<SessionDto[]>(appId, 'GET', `users/${seg(id)}/sessions`, { query: { current } }))
        .body,
    revokeUserSession: async (id, sid) => void (await call('DELETE', `users/${seg(id)}/sessions/${seg(sid)}`)),
    jwks: () => call('GET', 'oidc/jwks'),
  };
}
