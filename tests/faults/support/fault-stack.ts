import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startStack, TEST_ADMIN, type TestStack } from '@dbcarts/testing';
import { importJWK, type JWK, SignJWT } from 'jose';
import mysql from 'mysql2/promise';
import { type Api, apiCaller } from '../../support/api';
import { type ToxiProxy, Toxiproxy } from './toxiproxy';

// A test stack whose sidecars (and the orders service's own database connections) reach Redis,
// RabbitMQ and MariaDB through a Toxiproxy of the test's own, so a scenario can cut, stall or
// slow exactly those links. Stored state is read back over direct connections, never through the
// proxy, so a check never sees the fault it is checking.

const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const MARIADB_URL = process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306';
const RABBITMQ = process.env.TEST_RABBITMQ_HOSTPORT ?? '127.0.0.1:5672';

export interface FaultStackOptions {
  apps: string[];
  /** Which links go through Toxiproxy. */
  through?: { statestore?: boolean; rabbitmq?: boolean; ordersDb?: boolean };
  /** The Redis the state store's proxy forwards to (host:port); the machine's by default. */
  redisUpstream?: string;
  env?: Record<string, string>;
  appEnv?: Record<string, Record<string, string>>;
  metadata?: Record<string, string>;
  scheduler?: boolean;
  /** Runs once the Toxiproxy is up, before the stack: make proxies of the scenario's own, return app env that uses them. */
  prepare?: (toxi: Toxiproxy) => Promise<Record<string, Record<string, string>>>;
  /** Secret store entries instead of the generated ones (e.g. a provider's API key). */
  secrets?: Record<string, string>;
}

export interface FaultStack {
  stack: TestStack;
  toxi: Toxiproxy;
  proxies: { statestore?: ToxiProxy; rabbitmq?: ToxiProxy; ordersDb?: ToxiProxy };
  api: Api;
  admin: string;
  /** The RabbitMQ vhost of the proxied broker link (`through.rabbitmq`). */
  vhost?: string;
  /** The orders service's database (the proxied one when `through.ordersDb`). */
  ordersDb: string;
  /** A query on a direct connection; `{orders}` / `{payments}` name the stack's databases. */
  sql<T>(query: string, params?: unknown[]): Promise<T[]>;
  /** An access token for a customer id, signed with the stack's key as the users service signs them. */
  mint(customerId: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startFaultStack(opts: FaultStackOptions): Promise<FaultStack> {
  const id = randomBytes(4).toString('hex');
  const runDir = join(tmpdir(), 'dbcarts-faults', id);
  mkdirSync(runDir, { recursive: true });
  const toxi = await Toxiproxy.start(REPO_ROOT, join(runDir, 'toxiproxy.log'));
  const proxies: FaultStack['proxies'] = {};
  const metadata: Record<string, string> = {};
  const appEnv: Record<string, Record<string, string>> = { ...opts.appEnv };
  const vhost = `dbcarts-fault-${id}`;
  const ordersDbName = `dbcarts_f${id}_orders`;
  let stack: TestStack | undefined;
  const db = await mysql.createConnection(MARIADB_URL);
  try {
    if (opts.through?.statestore) {
      proxies.statestore = await toxi.proxy('statestore', opts.redisUpstream ?? '127.0.0.1:6379');
      metadata['statestore.yaml#redisHost'] = `127.0.0.1:${proxies.statestore.port}`;
    }
    if (opts.through?.rabbitmq) {
      // A vhost of this file's own (the stack's own vhost name is made inside the harness).
      await rabbitmqctl(['add_vhost', vhost]);
      await rabbitmqctl(['set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*']);
      proxies.rabbitmq = await toxi.proxy('rabbitmq', RABBITMQ);
      metadata['pubsub.yaml#connectionString'] = `amqp://guest:guest@127.0.0.1:${proxies.rabbitmq.port}/${vhost}`;
    }
    if (opts.through?.ordersDb) {
      const upstream = new URL(MARIADB_URL);
      proxies.ordersDb = await toxi.proxy('orders-db', `${upstream.hostname}:${upstream.port || 3306}`);
      await db.query(`CREATE DATABASE IF NOT EXISTS \`${ordersDbName}\``);
      const user = upstream.username || 'root';
      const auth = upstream.password ? `${user}:${upstream.password}` : user;
      appEnv.orders = {
        ...appEnv.orders,
        DB_URL: `mysql://${auth}@127.0.0.1:${proxies.ordersDb.port}/${ordersDbName}`,
      };
    }
    for (const [app, env] of Object.entries((await opts.prepare?.(toxi)) ?? {})) {
      appEnv[app] = { ...appEnv[app], ...env };
    }
    stack = await startStack({
      apps: opts.apps,
      env: opts.env,
      appEnv,
      scheduler: opts.scheduler,
      secrets: opts.secrets,
      metadata: { ...metadata, ...opts.metadata },
    });
  } catch (e) {
    await teardown(toxi, db, stack, opts, vhost, ordersDbName);
    throw e;
  }
  const s = stack;
  const api = apiCaller(s.appUrl('gateway'));
  const admin = opts.apps.includes('users') ? (await api('POST', '/api/auth/login', TEST_ADMIN)).body.accessToken : '';
  const jwk = JSON.parse(s.secrets['jwt-signing-key'] as string) as JWK;
  const key = await importJWK(jwk, 'ES256');
  const ordersDb = opts.through?.ordersDb ? ordersDbName : opts.apps.includes('orders') ? s.database('orders') : '';
  return {
    stack: s,
    toxi,
    proxies,
    api,
    admin,
    ordersDb,
    vhost: opts.through?.rabbitmq ? vhost : undefined,
    sql: async <T>(query: string, params: unknown[] = []) => {
      const named = query
        .replaceAll('{orders}', ordersDb)
        .replaceAll('{payments}', opts.apps.includes('payments') ? s.database('payments') : 'none');
      const [rows] = await db.query(named, params);
      return rows as T[];
    },
    mint: (customerId) =>
      new SignJWT({ roles: ['customer'], sid: `s-${customerId}` })
        .setProtectedHeader({ alg: 'ES256', kid: jwk.kid as string, typ: 'at+jwt' })
        .setSubject(customerId)
        .setIssuer(s.appUrl('gateway'))
        .setAudience('dbcarts-api')
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(key),
    stop: () => teardown(toxi, db, s, opts, vhost, ordersDbName),
  };
}

async function teardown(
  toxi: Toxiproxy,
  db: mysql.Connection,
  stack: TestStack | undefined,
  opts: FaultStackOptions,
  vhost: string,
  ordersDb: string,
): Promise<void> {
  try {
    await toxi.reset().catch(() => undefined); // a stack stops faster over healthy links
    await stack?.stop();
  } finally {
    await toxi.stop();
    if (opts.through?.rabbitmq) await rabbitmqctl(['delete_vhost', vhost]).catch(() => undefined);
    if (opts.through?.ordersDb) await db.query(`DROP DATABASE IF EXISTS \`${ordersDb}\``).catch(() => undefined);
    await db.end();
  }
}

export function rabbitmqctl(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('rabbitmqctl', args, { timeout: 30_000 }, (err, out, stderr) =>
      err ? reject(new Error(`rabbitmqctl ${args.join(' ')} failed: ${stderr || err.message}`)) : resolve(out),
    );
  });
}
