import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Sidecar } from '@dbcarts/dapr';
import {
  checkInfra,
  deleteJetStream,
  generateDevSecrets,
  Jaeger,
  Kfake,
  LOCAL_INFRA,
  readManifest,
  Stack,
} from '@dbcarts/devstack';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import { startTestMailpit, type TestMailpit } from './mailpit';

export type { MailpitMessage, MailpitSummary, TestMailpit } from './mailpit';
export { SERVICES } from '@dbcarts/devstack';

export interface TestStackOptions {
  apps: string[];
  /** DAPR_PROFILE-style overlays, e.g. ['state-mariadb']. */
  profiles?: string[];
  scheduler?: boolean;
  /** Restart apps and sidecars that die on their own (as `npm start` does); off unless a test asks. */
  supervise?: import('@dbcarts/devstack').SuperviseOptions;
  env?: Record<string, string>;
  appEnv?: Record<string, Record<string, string>>;
  nodeArgs?: Record<string, string[]>;
  /** Secret store entries to use instead of the generated ones (e.g. a rotated key set). */
  secrets?: Record<string, string>;
  /** appId → instances, each with its own sidecar (e.g. two catalogs sharing one cache). */
  replicas?: Record<string, number>;
  /** Component metadata to set, `file.yaml#name` → value (e.g. point `cache` at its own Redis). */
  metadata?: Record<string, string>;
  /** A Jaeger of the run's own receives every app's and sidecar's spans; 1 samples every new trace. */
  tracing?: { sampleRate: number };
}

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const MARIADB_URL = process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306';
const RABBITMQ_URL = process.env.TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const RABBITMQ_USER = process.env.TEST_RABBITMQ_USER ?? 'guest';
const LEASE_TTL_S = 3600;
/** TEST_DAPR_PROFILE (comma-separated, e.g. pubsub-kafka): the profiles of every stack that names none,
 * so the suite runs on another component. */
const TEST_PROFILES = (process.env.TEST_DAPR_PROFILE ?? '')
  .split(',')
  .map((p) => p.trim())
  .filter(Boolean);
/** The admin account every test stack's users service creates from its secret store. */
export const TEST_ADMIN = { email: 'admin@dbcarts.test', password: 'test-admin-password-1' };
const TEST_ADMIN_PASSWORD = TEST_ADMIN.password;

/**
 * A real stack for one test file: placement, one daprd per app, the apps from their tsc build,
 * isolated from every other run on the machine: its own Redis database (leased), its own MariaDB
 * databases, its own RabbitMQ queues, its own name-resolution file. stop() tears it all down.
 */
export class TestStack {
  private readonly sidecars = new Map<string, Sidecar>();

  private constructor(
    readonly stack: Stack,
    readonly runId: string,
    readonly redisDb: number,
    private readonly databases: string[],
    private readonly vhost: string,
    /** The run's secret store contents (signing key, OIDC client secrets...), as the services read them. */
    readonly secrets: Readonly<Record<string, string>>,
    /** The run's JetStream stream (pubsub-nats profile), deleted at the end. */
    private readonly stream?: string,
    /** The run's Mailpit, when an app's manifest asks for one (`"infra": ["mailpit"]`). */
    readonly mailpit?: TestMailpit,
    /** The run's Jaeger (`tracing` option): its query API at `jaeger.queryUrl`. */
    readonly jaeger?: Jaeger,
    /** The run's Kafka broker (pubsub-kafka profile), stopped at the end. */
    readonly kfake?: Kfake,
  ) {}

  static async start(opts: TestStackOptions): Promise<TestStack> {
    const repoRoot = findRepoRoot();
    const manifests = opts.apps.map((a) => readManifest(repoRoot, a));
    const infra = new Set([LOCAL_INFRA.redis, LOCAL_INFRA.rabbitmq, ...manifests.flatMap((m) => m.infra)]);
    await checkInfra([...infra]);

    const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
    const runDir = join(tmpdir(), 'dbcarts-test', runId);
    mkdirSync(runDir, { recursive: true });
    const secrets = {
      ...generateDevSecrets({ adminEmail: 'admin@dbcarts.test', adminPassword: TEST_ADMIN_PASSWORD }),
      ...opts.secrets,
    };
    writeFileSync(join(runDir, 'secrets.json'), JSON.stringify(secrets));
    const redisDb = await leaseRedisDb(runId);
    const vhost = `dbcarts-test-${runId}`;
    await rabbitmqctl(['add_vhost', vhost]);
    await rabbitmqctl(['set_permissions', '-p', vhost, RABBITMQ_USER, '.*', '.*', '.*']);
    const dbPrefix = `dbcarts_t${runId}_`;
    const databases = manifests.filter((m) => m.mariadb).map((m) => `${dbPrefix}${m.mariadb}`);
    await createDatabases(databases);
    // Dropped at the end too: the state-mariadb profile creates this schema itself.
    databases.push(`${dbPrefix}state`);

    const profiles = opts.profiles ?? TEST_PROFILES;
    const stream = profiles.includes('pubsub-nats') ? `dbcarts_${runId}` : undefined;
    let stack: Stack;
    let mailpit: TestMailpit | undefined;
    let jaeger: Jaeger | undefined;
    let kfake: Kfake | undefined;
    try {
      if (manifests.some((m) => m.mailpit)) mailpit = await startTestMailpit(repoRoot, runDir);
      if (profiles.includes('pubsub-kafka'))
        kfake = await Kfake.start({ repoRoot, logFile: join(runDir, 'kfake.log') });
      if (opts.tracing) {
        jaeger = await Jaeger.start({
          repoRoot,
          logFile: join(runDir, 'jaeger.log'),
          configFile: join(runDir, 'jaeger.yaml'),
        });
      }
      stack = await Stack.start({
        repoRoot,
        apps: opts.apps,
        runDir,
        profiles,
        scheduler: opts.scheduler,
        dbPrefix,
        mariadbUrl: MARIADB_URL,
        natsUrl: NATS_URL,
        supervise: opts.supervise,
        metadata: {
          redisDB: String(redisDb),
          secretsFile: join(runDir, 'secrets.json'),
          // A RabbitMQ vhost of its own: queues and exchanges (with the same arguments as a dev
          // stack's) never meet another run's, and deleting the vhost removes them all.
          'pubsub.yaml#connectionString': `${RABBITMQ_URL}/${vhost}`,
          schemaName: `${dbPrefix}state`,
          tablePrefix: `${dbPrefix}`,
          streamName: stream ?? `dbcarts_${runId}`,
          ...mailpit?.server.metadata,
          ...kfake?.metadata,
          ...opts.metadata,
        },
        // Apps that talk to Redis directly (the gateway's shared rate limiter) use the run's database too.
        env: { LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn', REDIS_URL: `${REDIS_URL}/${redisDb}`, ...opts.env },
        // With tracing, the ops board links slow checkouts to their traces in the run's Jaeger.
        appEnv: jaeger
          ? { ...opts.appEnv, gateway: { JAEGER_UI_URL: jaeger.queryUrl, ...opts.appEnv?.gateway } }
          : opts.appEnv,
        nodeArgs: opts.nodeArgs,
        // TEST_DAPR_LOG_LEVEL=debug: the sidecars say why they retried or refused (they log warnings only by default).
        daprLogLevel: process.env.TEST_DAPR_LOG_LEVEL,
        replicas: opts.replicas,
        tracing:
          jaeger && opts.tracing ? { otlpAddress: jaeger.otlpAddress, sampleRate: opts.tracing.sampleRate } : undefined,
      });
    } catch (e) {
      await mailpit?.stop();
      await jaeger?.stop();
      await kfake?.stop();
      await cleanup(runId, redisDb, databases, vhost, stream);
      throw e;
    }
    return new TestStack(stack, runId, redisDb, databases, vhost, secrets, stream, mailpit, jaeger, kfake);
  }

  /** The run's own MariaDB database of a service, by the name its manifest gives (e.g. `catalog`). */
  database(name: string): string {
    const db = `dbcarts_t${this.runId}_${name}`;
    if (!this.databases.includes(db)) throw new Error(`no database ${name} in this stack`);
    return db;
  }

  /** The sidecar of an app (instance), as that app sees it: use it to call others the way services do. */
  sidecar(appId: string, instance = 0): Sidecar {
    const key = `${appId}#${instance}`;
    let s = this.sidecars.get(key);
    if (!s) {
      s = new Sidecar({ host: '127.0.0.1', httpPort: this.stack.endpoints(appId, instance).daprHttpPort });
      this.sidecars.set(key, s);
    }
    return s;
  }

  /** Headers a test needs to call an app directly, as its sidecar would (the Dapr app API token). */
  get sidecarHeaders(): Record<string, string> {
    return { 'dapr-api-token': this.stack.appToken };
  }

  appUrl(appId: string, instance = 0): string {
    return `http://127.0.0.1:${this.stack.endpoints(appId, instance).appPort}`;
  }

  /** A value no other run or test uses, in a shape SKUs and ids accept. */
  uniqueId(prefix: string): string {
    return `${prefix}-${this.runId.toUpperCase()}-${randomBytes(3).toString('hex').toUpperCase()}`;
  }

  /** 'crash' kills the app and its sidecar with SIGKILL, mid-flight, before starting them again. */
  restartApp(appId: string, how: 'graceful' | 'crash' = 'graceful', instance = 0): Promise<void> {
    return this.stack.restartApp(appId, how, instance);
  }

  async stop(): Promise<void> {
    try {
      await this.stack.stop();
      await this.mailpit?.stop();
      await this.jaeger?.stop();
      await this.kfake?.stop();
    } finally {
      await cleanup(this.runId, this.redisDb, this.databases, this.vhost, this.stream);
    }
  }
}

function findRepoRoot(): string {
  let dir = __dirname;
  while (dir !== dirname(dir)) {
    if (existsSync(join(dir, 'dapr', 'config.yaml')) && existsSync(join(dir, 'components'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('repository root (with dapr/config.yaml) not found above the test harness');
}

/** Redis databases 1-15 are leased to runs (db 0 belongs to `npm start`); a lease expires on its own. */
async function leaseRedisDb(runId: string): Promise<number> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    for (let attempt = 0; attempt < 100; attempt++) {
      for (let db = 1; db <= 15; db++) {
        if ((await redis.set(`dbcarts:test-lease:${db}`, runId, 'EX', LEASE_TTL_S, 'NX')) === 'OK') {
          await redis.select(db);
          await redis.flushdb();
          return db;
        }
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    throw new Error('no free Redis test database (1-15) after 100 s');
  } finally {
    redis.disconnect();
  }
}

async function createDatabases(names: string[]): Promise<void> {
  if (!names.length) return;
  const conn = await mysql.createConnection(MARIADB_URL);
  try {
    for (const db of names) await conn.query(`CREATE DATABASE IF NOT EXISTS \`${db}\``);
  } finally {
    await conn.end();
  }
}

/** rabbitmqctl ships with the broker on this machine kind; the harness runs where the broker runs. */
function rabbitmqctl(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('rabbitmqctl', args, { timeout: 30_000 }, (err, _out, stderr) =>
      err ? reject(new Error(`rabbitmqctl ${args.join(' ')} failed: ${stderr || err.message}`)) : resolve(),
    );
  });
}

async function cleanup(
  runId: string,
  redisDb: number,
  databases: string[],
  vhost?: string,
  stream?: string,
): Promise<void> {
  if (vhost) await rabbitmqctl(['delete_vhost', vhost]).catch(() => undefined);
  if (stream) await deleteJetStream(NATS_URL, stream).catch(() => undefined);
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    await redis.select(redisDb);
    await redis.flushdb();
    await redis.select(0);
    if ((await redis.get(`dbcarts:test-lease:${redisDb}`)) === runId) await redis.del(`dbcarts:test-lease:${redisDb}`);
  } finally {
    redis.disconnect();
  }
  if (databases.length) {
    const conn = await mysql.createConnection(MARIADB_URL);
    try {
      for (const db of databases) await conn.query(`DROP DATABASE IF EXISTS \`${db}\``);
    } finally {
      await conn.end();
    }
  }
}

/**
 * A MariaDB database of a test's own (on TEST_MARIADB_URL), for one service's SQL tested without a
 * stack: its URL, and drop() for afterAll.
 */
export async function scratchDatabase(label: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `dbcarts_t_${label}_${randomBytes(4).toString('hex')}`;
  await createDatabases([name]);
  return {
    url: `${MARIADB_URL}/${name}`,
    drop: async () => {
      const conn = await mysql.createConnection(MARIADB_URL);
      try {
        await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await conn.end();
      }
    },
  };
}

export function startStack(opts: TestStackOptions): Promise<TestStack> {
  return TestStack.start(opts);
}
