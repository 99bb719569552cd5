import { DomainError } from '@dbcarts/errors';
import { type NextFunction, type Request, type Response, Router } from 'express';
import {
  AddressBody,
  AddressParams,
  LoginBody,
  ProfilePatch,
  RefreshBody,
  RegisterBody,
  SessionListQuery,
  SessionParams,
  UserIdParams,
  UserSessionParams,
} from '../../contract';
import type { AuthenticateUseCase } from '../app/authenticate.use-case';
import type { ManageAccountUseCase } from '../app/manage-account.use-case';
import type { ManageSessionsUseCase } from '../app/manage-sessions.use-case';
import { toAddressDto, toSessionDto, toUserDto } from './users.mapper';

export interface UsersUseCases {
  auth: AuthenticateUseCase;
  account: ManageAccountUseCase;
  sessions: ManageSessionsUseCase;
}

/**
 * The internal API, reached through Dapr invocation. Routes under /users/:id trust the id they
 * are given: only the gateway calls them, with the subject of a token it verified (Dapr access
 * control in deploy/k8s lets no one else in).
 */
export function usersRoutes(uc: UsersUseCases): Router {
  const r = Router();

  r.post('/auth/register', async (req, res) => {
    const { email, password, name } = RegisterBody.parse(req.body);
    res.status(201).json(toUserDto(await uc.account.register(email, password, name)));
  });

  r.post('/auth/login', async (req, res) => {
    const { email, password } = LoginBody.parse(req.body);
    res.set('Cache-Control', 'no-store').json(await uc.auth.login(email, password));
  });

  r.post('/auth/refresh', async (req, res) => {
    const { refreshToken } = RefreshBody.parse(req.body);
    res.set('Cache-Control', 'no-store').json(await uc.auth.refresh(refreshToken));
  });

  r.post('/sessions/:sid/revoke', async (req, res) => {
    await uc.auth.logout(SessionParams.parse(req.params).sid);
    res.status(204).end();
  });

  r.get('/users/:id', async (req, res) => {
    res.json(toUserDto(await uc.account.me(UserIdParams.parse(req.params).id)));
  });

  r.patch('/users/:id', async (req, res) => {
    const { id } = UserIdParams.parse(req.params);
    res.json(toUserDto(await uc.account.rename(id, ProfilePatch.parse(req.body).name)));
  });

  r.get('/users/:id/addresses', async (req, res) => {
    res.json((await uc.account.addresses(UserIdParams.parse(req.params).id)).map(toAddressDto));
  });

  r.post('/users/:id/addresses', async (req, res) => {
    const { id } = UserIdParams.parse(req.params);
    res.status(201).json(toAddressDto(await uc.account.addAddress(id, AddressBody.parse(req.body))));
  });

  r.delete('/users/:id/addresses/:addressId', async (req, res) => {
    const { id, addressId } = AddressParams.parse(req.params);
    await uc.account.deleteAddress(id, addressId);
    res.status(204).end();
  });

  r.get('/users/:id/sessions', async (req, res) => {
    const { id } = UserIdParams.parse(req.params);
    const { current } = SessionListQuery.parse(req.query);
    res.set('Cache-Control', 'no-store').json((await uc.sessions.list(id, current ?? '')).map(toSessionDto));
  });

  r.delete('/users/:id/sessions/:sid', async (req, res) => {
    const { id, sid } = UserSessionParams.parse(req.params);
    await uc.sessions.revoke(id, sid);
    res.status(204).end();
  });

  // A refusal that says when to come back (budget spent, KDF queue full) says it in Retry-After too:
  // the shared problem writer sets the header for 429 only, and AUTH.BUSY is a 503.
  r.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    const seconds = err instanceof DomainError ? err.details.retryAfterSeconds : undefined;
    if (typeof seconds === 'number') res.setHeader('Retry-After', String(seconds));
    next(err);
  });

  return r;
}
