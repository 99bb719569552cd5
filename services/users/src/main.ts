import '@dbcarts/telemetry/register';
import 'reflect-metadata';
import { availableParallelism } from 'node:os';
import { baseServiceEnv, env, loadConfig, z } from '@dbcarts/config';
import { Sidecar } from '@dbcarts/dapr';
import { underMigrationLock } from '@dbcarts/db';
import { createHttpApp, serve } from '@dbcarts/http';
import { createLogger } from '@dbcarts/logging';
import { container } from 'tsyringe';
import { AuthenticateUseCase } from './app/authenticate.use-case';
import { KdfQueue } from './app/kdf-queue';
import { ManageAccountUseCase } from './app/manage-account.use-case';
import { ManageSessionsUseCase } from './app/manage-sessions.use-case';
import { USERS, type UsersSettings } from './app/users.tokens';
import { oidcRoutes } from './http/oidc.routes';
import { usersRoutes } from './http/users.routes';
import { DaprSessionStore } from './infra/dapr-session.store';
import { JoseTokenSigner } from './infra/jose-token.signer';
import { createOidcProvider } from './infra/oidc/oidc-provider.factory';
import { parseSigningKeys } from './infra/signing-keys';
import { ScryptPasswordHasher } from './infra/scrypt-password.hasher';
import { createUsersDataSource } from './infra/typeorm/data-source';
import { TypeormLoginAttemptsStore } from './infra/typeorm/typeorm-login-attempts.store';
import { TypeormUserRepository } from './infra/typeorm/typeorm-user.repository';

async function main(): Promise<void> {
  const config = loadConfig(
    z.object({
      ...baseServiceEnv,
      DB_URL: z.string().startsWith('mysql://'),
      ISSUER: env.string('http://127.0.0.1:8080'),
      ACCESS_TOKEN_TTL_SECONDS: env.int(300, 30),
      REFRESH_TOKEN_TTL_SECONDS: env.int(30 * 24 * 3600, 60),
      /** Login attempts per account (a success clears them) per window, shared by every instance. */
      LOGIN_FAILURES_PER_ACCOUNT: env.int(10, 1),
      LOGIN_FAILURE_WINDOW_SECONDS: env.int(900, 1),
      /** Password hashes at once (scrypt runs on libuv's pool of 4 threads unless UV_THREADPOOL_SIZE says more). */
      KDF_CONCURRENCY: env.int(Math.min(4, availableParallelism()), 1),
      /** Hashes that may wait beyond those (~1 s of work on 2 cores); registrations take at most half of all places. */
      KDF_QUEUE_LIMIT: env.int(32, 0),
      /** Longest wait for a KDF turn before 503 AUTH.BUSY: well inside the gateway's 6 s invocation timeout. */
      KDF_MAX_WAIT_MS: env.int(3_000, 1),
    }),
  );
  const log = createLogger('users', config.LOG_LEVEL);
  const sidecar = new Sidecar({ host: config.DAPR_HOST, httpPort: config.DAPR_HTTP_PORT });
  await sidecar.waitUntilReady();

  const ds = createUsersDataSource(config.DB_URL);
  await ds.initialize();
  await underMigrationLock(ds, () => ds.runMigrations({ transaction: 'each' }));

  // Keys, OIDC clients and the admin account come from the secret store (a generated dev file; Kubernetes secrets in production).
  const signingKeys = parseSigningKeys(await sidecar.getSecret('secretstore', 'jwt-signing-key'));
  const signer = await JoseTokenSigner.fromJwk(signingKeys[0], config.ISSUER, config.ACCESS_TOKEN_TTL_SECONDS);
  const userRepository = new TypeormUserRepository(ds);
  const oidc = createOidcProvider(
    {
      issuer: config.ISSUER,
      signingKeys,
      clientsJson: await sidecar.getSecret('secretstore', 'oidc-clients'),
      cookieKeys: (await sidecar.getSecret('secretstore', 'oidc-cookie-keys')).split(',').filter(Boolean),
      accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
    },
    sidecar,
    userRepository,
  );
  oidc.on('server_error', (_ctx, err) => log.error({ err }, 'oidc provider error'));
  // Refused grants (replayed code, reused refresh token, bad PKCE): the reason is not sent to clients.
  oidc.on('grant.error', (_ctx, err) =>
    log.info({ error: err.message, detail: (err as { error_detail?: string }).error_detail }, 'oidc grant refused'),
  );
  container.register(USERS.Users, { useValue: userRepository });
  container.register(USERS.Hasher, { useValue: new ScryptPasswordHasher() });
  container.register(USERS.Signer, { useValue: signer });
  container.register(USERS.Sessions, { useValue: new DaprSessionStore(sidecar) });
  const loginAttempts = new TypeormLoginAttemptsStore(ds);
  container.register(USERS.LoginAttempts, { useValue: loginAttempts });
  const kdfPlaces = config.KDF_CONCURRENCY + config.KDF_QUEUE_LIMIT;
  container.register(USERS.Kdf, {
    useValue: new KdfQueue({
      concurrency: config.KDF_CONCURRENCY,
      queueLimit: config.KDF_QUEUE_LIMIT,
      registrationLimit: Math.max(1, Math.floor(kdfPlaces / 2)),
      maxWaitMs: config.KDF_MAX_WAIT_MS,
    }),
  });
  container.register<UsersSettings>(USERS.Settings, {
    useValue: {
      refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
      loginBudget: { attempts: config.LOGIN_FAILURES_PER_ACCOUNT, windowSeconds: config.LOGIN_FAILURE_WINDOW_SECONDS },
    },
  });
  // Attempts on emails no account has would otherwise pile up: drop rows whose window has passed.
  const purge = setInterval(
    () =>
      void loginAttempts
        .purgeExpired()
        .catch((err: Error) => log.warn({ err: err.message }, 'purging expired login attempts failed')),
    60_000,
  );
  purge.unref();

  const account = container.resolve(ManageAccountUseCase);
  const admin = await account.ensureAdmin(
    await sidecar.getSecret('secretstore', 'admin-email'),
    await sidecar.getSecret('secretstore', 'admin-password'),
  );
  log.info({ admin }, 'admin account checked');

  const app = createHttpApp({
    service: 'users',
    logger: log,
    // Reached only through Dapr: every route but the probes needs the sidecar's token.
    sidecarOnly: { token: config.APP_API_TOKEN },
    readiness: { sidecar: () => sidecar.health(), database: async () => void (await ds.query('SELECT 1')) },
    routes: (a) => {
      const auth = container.resolve(AuthenticateUseCase);
      a.use(oidcRoutes(oidc, auth, config.ISSUER));
      a.use(usersRoutes({ auth, account, sessions: container.resolve(ManageSessionsUseCase) }));
    },
  });
  await serve(app, {
    port: config.APP_PORT,
    host: config.APP_HOST,
    logger: log,
    onShutdown: [async () => clearInterval(purge), () => ds.destroy()],
  });
  log.info({ port: config.APP_PORT }, 'users listening');
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
