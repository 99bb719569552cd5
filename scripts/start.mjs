// `npm start`: the whole stack on this machine. Placement, one daprd per service, the services from
// their tsc build, a seeded demo catalog. Ctrl-C stops every process it started.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const {
  Stack,
  Mailpit,
  Jaeger,
  Kfake,
  checkInfra,
  generateDevSecrets,
  readManifest,
  InfraUnreachableError,
} = require('@dbcarts/devstack');
const { Prometheus, SERVICES, stackScrapeTargets } = require('@dbcarts/devstack');
const { Sidecar } = require('@dbcarts/dapr');
const mysql = require('mysql2/promise');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const devDir = join(root, '.dev');
const APPS = SERVICES;
const MAILPIT = {
  smtpPort: Number(process.env.MAILPIT_SMTP_PORT ?? 1025),
  httpPort: Number(process.env.MAILPIT_HTTP_PORT ?? 8025),
};
const gatewayPort = Number(process.env.GATEWAY_PORT ?? 8080);
const TRACING_SAMPLE_RATE = Number(process.env.TRACING_SAMPLE_RATE ?? 1);
const profiles = (process.env.DAPR_PROFILE ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const say = (msg) => console.log(`[dbcarts] ${msg}`);

/** Dev secrets live in a git-ignored file the local secret store reads; made once, never committed. */
function ensureDevSecrets() {
  const file = join(devDir, 'secrets.json');
  mkdirSync(devDir, { recursive: true });
  const existing = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const fresh = generateDevSecrets({
    adminEmail: process.env.DBCARTS_ADMIN_EMAIL,
    adminPassword: process.env.DBCARTS_ADMIN_PASSWORD,
  });
  // Keep what exists (sessions and tokens stay valid across restarts); add only what a newer version needs.
  const missing = Object.keys(fresh).filter((k) => !(k in existing));
  if (!missing.length) return file;
  writeFileSync(file, `${JSON.stringify({ ...fresh, ...existing }, null, 2)}\n`, { mode: 0o600 });
  if (missing.includes('admin-password') && !process.env.DBCARTS_ADMIN_PASSWORD) {
    say(`generated dev secrets in ${file} (git-ignored). Admin login, shown once:`);
    say(`  ${fresh['admin-email']} / ${fresh['admin-password']}`);
  } else {
    say(`added ${missing.join(', ')} to ${file}`);
  }
  return file;
}

async function ensureDatabases(names) {
  const conn = await mysql.createConnection(process.env.MARIADB_URL ?? 'mysql://root@127.0.0.1:3306');
  try {
    for (const db of names) await conn.query(`CREATE DATABASE IF NOT EXISTS \`${db}\``);
  } finally {
    await conn.end();
  }
}

/** Demo stock for the demo catalog, only where a SKU has none yet (a restart keeps your changes). */
async function seedStock(stack) {
  const gw = `http://127.0.0.1:${gatewayPort}`;
  const page = await (await fetch(`${gw}/api/products?pageSize=100`)).json();
  const inventory = new Sidecar({ host: '127.0.0.1', httpPort: stack.endpoints('inventory').daprHttpPort });
  let seeded = 0;
  for (const p of page.items ?? []) {
    if (p.available === 0) {
      await inventory.invokeService('inventory', 'PUT', `stock/${p.sku}`, { body: { onHand: 100 } });
      seeded++;
    }
  }
  return { products: page.total ?? 0, seeded, sku: page.items?.[0]?.sku };
}

/**
 * Jaeger for the services' and sidecars' spans, unless TRACING=off. A dev stack samples every new
 * trace by default (you want to see the request you just made); production samples 10 % (deploy/k8s).
 */
async function startJaeger() {
  if (process.env.TRACING === 'off') return undefined;
  try {
    const jaeger = await Jaeger.start({
      repoRoot: root,
      logFile: join(devDir, 'logs', 'jaeger.log'),
      configFile: join(devDir, 'jaeger.yaml'),
      otlpHttpPort: Number(process.env.JAEGER_OTLP_PORT ?? 4318),
      queryPort: Number(process.env.JAEGER_QUERY_PORT ?? 16686),
    });
    return jaeger;
  } catch (err) {
    say(`tracing off: ${err instanceof Error ? err.message : err} (TRACING=off skips Jaeger)`);
    return undefined;
  }
}

/**
 * With DAPR_PROFILE=pubsub-kafka: KAFKA_BROKERS names a Kafka cluster to use; without it a local
 * kfake (tools/kfake, in memory: events are gone when it stops) is built when missing and started
 * on KAFKA_PORT (9092).
 */
async function startKafka() {
  if (!profiles.includes('pubsub-kafka')) return undefined;
  if (process.env.KAFKA_BROKERS) return { metadata: { brokers: process.env.KAFKA_BROKERS }, external: true };
  const built = spawnSync('bash', [join(root, 'scripts', 'build-kfake.sh')], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error('kfake did not build (bash scripts/build-kfake.sh); or set KAFKA_BROKERS');
  return Kfake.start({
    repoRoot: root,
    logFile: join(devDir, 'logs', 'kfake.log'),
    port: Number(process.env.KAFKA_PORT ?? 9092),
  });
}

async function main() {
  const manifests = APPS.map((a) => readManifest(root, a));
  const infra = [...new Set(manifests.flatMap((m) => m.infra))];
  // Order email goes to a local Mailpit (real SMTP + HTTP API), started here like the sidecars.
  mkdirSync(join(devDir, 'logs'), { recursive: true });
  const mailpit = manifests.some((m) => m.mailpit)
    ? await Mailpit.start({
        repoRoot: root,
        logFile: join(devDir, 'logs', 'mailpit.log'),
        databaseFile: join(devDir, 'mailpit.db'),
        ...MAILPIT,
      })
    : undefined;
  const jaeger = await startJaeger();
  const kafka = await startKafka();
  say('checking Redis, MariaDB, RabbitMQ...');
  await checkInfra(infra);
  const secretsFile = ensureDevSecrets();
  await ensureDatabases(manifests.filter((m) => m.mariadb).map((m) => `dbcarts_${m.mariadb}`));

  say(
    `starting placement, ${APPS.length} sidecars and ${APPS.length} services${profiles.length ? ` (profiles: ${profiles.join(', ')})` : ''}...`,
  );
  const stack = await Stack.start({
    repoRoot: root,
    apps: APPS,
    runDir: devDir,
    profiles,
    ports: Object.fromEntries(manifests.map((m) => [m.appId, m.appId === 'gateway' ? gatewayPort : m.devPort])),
    metadata: { secretsFile, ...mailpit?.metadata, ...kafka?.metadata },
    tracing: jaeger ? { otlpAddress: jaeger.otlpAddress, sampleRate: TRACING_SAMPLE_RATE } : undefined,
    appEnv: {
      catalog: { SEED_CATALOG_PRODUCTS: process.env.SEED_CATALOG_PRODUCTS ?? '10000' },
      // The ops board links each slow checkout to its trace in this Jaeger's UI.
      ...(jaeger ? { gateway: { JAEGER_UI_URL: jaeger.queryUrl } } : {}),
    },
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' },
    // A service or sidecar that dies is named on the console (exit code, log file) and restarted with backoff.
    supervise: { report: say },
  });
  // Metrics of every service and sidecar, when a Prometheus is installed (`apt-get install prometheus`).
  const prometheus = await Prometheus.start({
    logFile: join(devDir, 'logs', 'prometheus.log'),
    dataDir: join(devDir, 'prometheus'),
    targets: stackScrapeTargets(stack),
    port: Number(process.env.PROMETHEUS_PORT ?? 9090),
  }).catch((err) => say(`Prometheus did not start (${err.message}); the services still serve /metrics`));
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    say('stopping every process started...');
    await stack.stop();
    await mailpit?.stop();
    await prometheus?.stop();
    await jaeger?.stop();
    await kafka?.stop?.();
    say('stopped.');
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const seeded = await seedStock(stack);
  say(`catalog: ${seeded.products} products; stock seeded for ${seeded.seeded} SKUs`);
  say(
    `gateway:  http://127.0.0.1:${gatewayPort}  (try: curl http://127.0.0.1:${gatewayPort}/api/inventory/${seeded.sku ?? 'FSH-TEE-001'})`,
  );
  // The gateway serves the storefront it finds built at start (npm run build builds it).
  if (existsSync(join(root, 'web', 'storefront', 'dist', 'index.html'))) {
    say(`shop:     http://127.0.0.1:${gatewayPort}/  (the storefront; admins: /admin/ops, the ops board of a drop)`);
  }
  if (mailpit)
    say(
      `mail:     ${mailpit.url}/api/v1/messages  (Mailpit: every email the store sends; SMTP on :${mailpit.smtpPort})`,
    );
  if (jaeger) {
    say(
      `traces:   ${jaeger.queryUrl}/api/traces?service=gateway&limit=20  (Jaeger query API; ${TRACING_SAMPLE_RATE * 100}% of new traces sampled, TRACING_SAMPLE_RATE; TRACING=off for none)`,
    );
  }
  say(
    prometheus
      ? `metrics:  ${prometheus.url}  (Prometheus: every service and sidecar; Grafana dashboard: deploy/grafana/)`
      : 'metrics:  no prometheus on PATH (apt-get install prometheus); each service serves /metrics on its METRICS_PORT',
  );
  if (kafka)
    say(
      `kafka:    ${kafka.metadata.brokers}  (pubsub and broadcast; ${kafka.external ? 'KAFKA_BROKERS' : 'kfake, in memory'})`,
    );
  say(`logs:     ${stack.logDir}/  (one file per service and per sidecar)`);
  say('press Ctrl-C to stop');
}

main().catch((err) => {
  if (err instanceof InfraUnreachableError) {
    console.error(`[dbcarts] ${err.message}`);
  } else {
    console.error(`[dbcarts] start failed: ${err instanceof Error ? err.message : err}`);
  }
  process.exit(1);
});
