import { randomBytes, randomUUID } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { checkRefresh, rotate, type Session } from '../domain/session';
import {
  InvalidCredentialsError,
  InvalidRefreshTokenError,
  normalizeEmail,
  TooManyLoginAttemptsError,
  type User,
} from '../domain/user';
import type { KdfQueue } from './kdf-queue';
import type { LoginAttemptsPort, PasswordHasherPort, SessionStorePort, TokenSignerPort } from './ports/auth.ports';
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
    @inject(USERS.LoginAttempts) private readonly attempts: LoginAttemptsPort,
    @inject(USERS.Kdf) private readonly kdf: KdfQueue,
  ) {}

  /**
   * The account behind an email and password (the first-party login and the OIDC login page: one
   * budget for both doors). Throws TooManyLoginAttemptsError when the budget is spent and
   * KdfBusyError when this instance's KDF queue is full.
   */
  async verifyCredentials(email: string, password: string): Promise<User> {
    // A place in the KDF queue first: when it is full the caller hears 503 at once, and no attempt
    // is counted for a password nobody checked.
    const kdf = this.kdf.admit('login');
    try {
      const user = await this.users.findByEmail(normalizeEmail(email));
      // The budget belongs to what the lookup found, so every spelling the users table's collation
      // maps to the account (ádmin@, ADMIN@, admin@) shares it. An unknown email has a budget of
      // its own (compared with the same collation): unknown and known accounts block alike.
      const subject = user ? `account:${user.id}` : `email:${normalizeEmail(email)}`;
      // Counted before the password is checked: of N parallel guesses at most the budget reach the KDF.
      const attempt = await this.attempts.begin(subject, this.settings.loginBudget);
      if (!attempt.admitted) throw new TooManyLoginAttemptsError(attempt.retryAfterSeconds);
      // The same KDF work whether or not the account exists: timing tells nothing.
      const ok = await kdf.run(async () =>
        this.hasher.verify(password, user?.passwordHash ?? (await this.hasher.decoy())),
      );
      if (!user || !ok) throw new InvalidCredentialsError();
      await this.attempts.clear(subject);
      return user;
    } finally {
      kdf.release();
    }
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
