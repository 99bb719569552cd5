import { randomBytes, randomUUID } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { checkRefresh, rotate, type Session } from '../domain/session';
import { InvalidCredentialsError, InvalidRefreshTokenError, normalizeEmail, type User } from '../domain/user';
import type { PasswordHasherPort, SessionStorePort, TokenSignerPort } from './ports/auth.ports';
import type { UserRepositoryPort } from './ports/user.repository.port';
import { USERS, type UsersSettings } from './users.tokens';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

/** Refresh tokens are `<sessionId>.<tokenId>`: opaque, random, looked up in the session store. */
const parseRefresh = (token: string) => {
  const [sid, tid] = token.split('.');
  return sid && tid ? { sid, tid } : undefined;
};

@injectable()
export class AuthenticateUseCase {
  constructor(
    @inject(USERS.Users) private readonly users: UserRepositoryPort,
    @inject(USERS.Hasher) private readonly hasher: PasswordHasherPort,
    @inject(USERS.Signer) private readonly signer: TokenSignerPort,
    @inject(USERS.Sessions) private readonly sessions: SessionStorePort,
    @inject(USERS.Settings) private readonly settings: UsersSettings,
  ) {}

  /** The account behind an email and password (the first-party login and the OIDC login page). */
  async verifyCredentials(email: string, password: string): Promise<User> {
    const user = await this.users.findByEmail(normalizeEmail(email));
    // The same KDF work whether or not the account exists: timing tells nothing.
    const ok = await this.hasher.verify(password, user?.passwordHash ?? (await this.hasher.decoy()));
    if (!user || !ok) throw new InvalidCredentialsError();
    return user;
  }

  async login(email: string, password: string): Promise<TokenPair> {
    const user = await this.verifyCredentials(email, password);
    const now = Date.now();
    const session: Session = {
      id: randomUUID(),
      userId: user.id,
      currentTokenId: token(),
      rotated: [],
      revoked: false,
      expiresAt: now + this.settings.refreshTtlSeconds * 1000,
      createdAt: now,
      lastUsedAt: now,
    };
    await this.sessions.create(session);
    return this.pair(user, session);
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    const parsed = parseRefresh(refreshToken);
    const session = parsed ? await this.sessions.get(parsed.sid) : undefined;
    const check = checkRefresh(session, parsed?.tid ?? '', Date.now());
    if (!check.ok || !session) {
      if (!check.ok && check.reason === 'reused' && session) await this.sessions.put({ ...session, revoked: true });
      throw new InvalidRefreshTokenError(check.ok ? 'unknown' : check.reason);
    }
    const user = await this.users.findById(session.userId);
    if (!user) throw new InvalidRefreshTokenError('unknown');
    const next = rotate(session, token(), Date.now());
    await this.sessions.put(next);
    return this.pair(user, next);
  }

  async logout(sessionId: string): Promise<void> {
    const session = await this.sessions.get(sessionId);
    if (session && !session.revoked) await this.sessions.put({ ...session, revoked: true });
  }

  private async pair(user: User, session: Session): Promise<TokenPair> {
    const { token: accessToken, expiresIn } = await this.signer.sign({
      sub: user.id,
      email: user.email,
      roles: user.roles,
      sid: session.id,
    });
    return { accessToken, refreshToken: `${session.id}.${session.currentTokenId}`, tokenType: 'Bearer', expiresIn };
  }
}

function token(): string {
  return randomBytes(24).toString('base64url');
}
