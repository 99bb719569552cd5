import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type DaprBinaries, findDaprBinaries } from './binaries';
import { readManifest, type ServiceManifest } from './manifest';
import { freePort, freePorts } from './ports';
import { controlPlaneArgs, daprdArgs } from './dapr-args';
import { ensureJetStream } from './jetstream';
import { ManagedProcess, waitForHttp } from './process';
import { type SuperviseOptions, Supervisor } from './supervisor';
import { renderDaprConfig, renderResources, type TracingTarget } from './resources';

export interface StackOptions {
  repoRoot: string;
  /** Service names under services/; each is also its Dapr app id. */
  apps: string[];
  /** Logs, rendered resources and the name-resolution database of this stack. */
  runDir: string;
  profiles?: string[];
  /** Component metadata overrides (e.g. redisDB) for isolation. */
  metadata?: Record<string, string>;
  /** Environment for every app, and per app. */
  env?: Record<string, string>;
  /** Per app id, or per instance as `app#1` (applied after the app's). */
  appEnv?: Record<string, Record<string, string>>;
  /** Extra node flags per app (e.g. --cpu-prof, which NODE_OPTIONS refuses). */
  nodeArgs?: Record<string, string[]>;
  /** appId → how many instances (each with its own sidecar); default 1. */
  replicas?: Record<string, number>;
  /** appId → fixed app port (dev); others get free ports. */
  ports?: Record<string, number>;
  /** Database name prefix for services with a MariaDB database of their own. */
  dbPrefix?: string;
  mariadbUrl?: string;
  /** NATS for the pubsub-nats profile (its JetStream stream is created when missing). */
  natsUrl?: string;
  scheduler?: boolean;
  daprLogLevel?: string;
  /**
   * Restart an app or sidecar that died on its own, with backoff, and report it (name, exit code,
   * log file). Off by default: a test that kills a process means it. `npm start` turns it on.
   */
  supervise?: boolean | SuperviseOptions;
  /** Spans of every app and sidecar to this collector (a Jaeger of the stack's own); none when absent. */
  tracing?: TracingTarget;
  timeoutMs?: number;
}

export interface AppEndpoints {
  appId: string;
  appPort: number;
  daprHttpPort: number;
  daprGrpcPort: number;
  metricsPort: number;
  internalGrpcPort: number;
  /** The app's own GET /metrics (METRICS_PORT); metricsPort is its sidecar's. */
  appMetricsPort: number;
}

interface RunningApp {
  key: string;
  manifest: ServiceManifest;
  endpoints: AppEndpoints;
  app?: ManagedProcess;
  daprd?: ManagedProcess;
}

/** Placement, optional scheduler, and one daprd + one app process per service, on this machine. */
export class Stack {
  private placement?: ManagedProcess;
  private scheduler?: ManagedProcess;
  private placementPort = 0;
  private schedulerPort = 0;
  /** Metrics ports of placement and the scheduler (once started), for a scraper. */
  readonly controlPlaneMetricsPorts: Record<string, number> = {};
  private readonly apps = new Map<string, RunningApp>();
  private resourcesDir = '';
  private configFile = '';
  private issuer?: string;
  /** Dapr app API token of this stack: sidecars send it, apps require it (no call around Dapr). */
  readonly appToken = randomBytes(24).toString('base64url');
  private readonly bins: DaprBinaries;
  private readonly supervisor?: Supervisor;

  private constructor(readonly opts: StackOptions) {
    this.bins = findDaprBinaries(opts.repoRoot);
    if (opts.supervise) this.supervisor = new Supervisor(opts.supervise === true ? {} : opts.supervise);
  }

  static async start(opts: StackOptions): Promise<Stack> {
    const stack = new Stack(withGatewayUpstreams(opts));
    try {
      await stack.boot();
    } catch (e) {
      await stack.stop();
      throw e;
    }
    return stack;
  }

  get logDir(): string {
    return join(this.opts.runDir, 'logs');
  }

  /** Instance 0 is `appId`; further replicas are `appId#1`, `appId#2`... */
  endpoints(appId: string, instance = 0): AppEndpoints {
    const app = this.apps.get(instanceKey(appId, instance));
    if (!app) throw new Error(`app ${appId} instance ${instance} is not part of this stack`);
    return app.endpoints;
  }

  mariadbDatabase(appId: string): string | undefined {
    const m = this.apps.get(instanceKey(appId, 0))?.manifest.mariadb;
    return m ? `${this.opts.dbPrefix ?? 'dbcarts_'}${m}` : undefined;
  }

  private get timeout(): number {
    return this.opts.timeoutMs ?? 90_000;
  }

  private async boot(): Promise<void> {
    mkdirSync(this.logDir, { recursive: true });
    this.resourcesDir = renderResources({
      repoRoot: this.opts.repoRoot,
      profiles: this.opts.profiles ?? [],
      outDir: join(this.opts.runDir, 'resources'),
      metadata: this.opts.metadata ?? {},
    });
    // The JetStream profile needs its stream before any sidecar subscribes or publishes.
    if (this.opts.profiles?.includes('pubsub-nats')) {
      await ensureJetStream(this.opts.natsUrl ?? 'nats://127.0.0.1:4222', this.opts.metadata?.streamName ?? 'dbcarts');
    }
    this.configFile = renderDaprConfig(
      this.opts.repoRoot,
      join(this.opts.runDir, 'config.yaml'),
      join(this.opts.runDir, 'nameresolution.db'),
      this.opts.tracing,
    );

    for (const appId of this.opts.apps) {
      const manifest = readManifest(this.opts.repoRoot, appId);
      for (let i = 0; i < (this.opts.replicas?.[appId] ?? 1); i++) {
        const key = instanceKey(appId, i);
        const [daprHttpPort, daprGrpcPort, metricsPort, internalGrpcPort, appMetricsPort] = (await freePorts(5)) as [
          number,
          number,
          number,
          number,
          number,
        ];
        const appPort = (i === 0 ? this.opts.ports?.[appId] : undefined) ?? (await freePort());
        const endpoints = { appId, appPort, daprHttpPort, daprGrpcPort, metricsPort, internalGrpcPort, appMetricsPort };
        this.apps.set(key, { key, manifest, endpoints });
      }
    }

    // The public origin is the gateway's: token issuer and the base of every OIDC redirect.
    const gateway = this.apps.get(instanceKey('gateway', 0));
    this.issuer = gateway ? `http://127.0.0.1:${gateway.endpoints.appPort}` : undefined;

    const needsScheduler = this.opts.scheduler || [...this.apps.values()].some((a) => a.manifest.scheduler);
    await Promise.all([this.startPlacement(), needsScheduler ? this.startScheduler() : Promise.resolve()]);
    // One instance first: its sidecar creates the name-resolution database; the rest then start
    // together without racing that migration (SQLITE_BUSY once failed a CI run).
    const [first, ...rest] = [...this.apps.keys()];
    if (first) await this.startInstance(first);
    await Promise.all(rest.map((key) => this.startInstance(key)));
  }

  private async startPlacement(): Promise<void> {
    const [port, raft, health, metrics] = (await freePorts(4)) as [number, number, number, number];
    this.placementPort = port;
    this.controlPlaneMetricsPorts.placement = metrics;
    this.placement = new ManagedProcess({
      name: 'placement',
      command: this.bins.placement,
      args: [...controlPlaneArgs('p0', port, health, metrics), '--initial-cluster', `p0=127.0.0.1:${raft}`],
      logFile: join(this.logDir, 'placement.log'),
    }).start();
    const healthy = () => waitForHttp(`http://127.0.0.1:${health}/healthz`, this.placement, this.timeout);
    this.supervisor?.watch(this.placement, async () => {
      this.placement?.start();
      await healthy();
    });
    await healthy();
  }

  private async startScheduler(): Promise<void> {
    const [port, health, metrics, client, peer] = (await freePorts(5)) as [number, number, number, number, number];
    this.schedulerPort = port;
    this.controlPlaneMetricsPorts.scheduler = metrics;
    this.scheduler = new ManagedProcess({
      name: 'scheduler',
      command: this.bins.scheduler,
      args: [
        ...controlPlaneArgs('s0', port, health, metrics),
        '--etcd-data-dir',
        join(this.opts.runDir, 'scheduler-etcd'),
        '--etcd-client-port',
        String(client),
        '--etcd-initial-cluster',
        `s0=http://127.0.0.1:${peer}`,
      ],
      logFile: join(this.logDir, 'scheduler.log'),
    }).start();
    const healthy = () => waitForHttp(`http://127.0.0.1:${health}/healthz`, this.scheduler, this.timeout);
    this.supervisor?.watch(this.scheduler, async () => {
      this.scheduler?.start();
      await healthy();
    });
    await healthy();
  }

  /** Starts (or restarts) one instance of an app and its sidecar, and waits until both answer. */
  async startInstance(key: string): Promise<void> {
    const running = this.apps.get(key);
    if (!running) throw new Error(`app ${key} is not part of this stack`);
    const { manifest, endpoints: ep } = running;
    const appId = manifest.appId;
    const logName = key.replace('#', '-');
    const db = this.mariadbDatabase(appId);
    running.app = new ManagedProcess({
      name: appId,
      command: process.execPath,
      args: [...(this.opts.nodeArgs?.[appId] ?? []), '--enable-source-maps', manifest.entry],
      cwd: manifest.dir,
      env: {
        APP_ID: appId,
        APP_PORT: String(ep.appPort),
        DAPR_HOST: '127.0.0.1',
        DAPR_HTTP_PORT: String(ep.daprHttpPort),
        DAPR_GRPC_PORT: String(ep.daprGrpcPort),
        OTEL_SERVICE_NAME: appId,
        ...(this.opts.tracing ? otelEnv(this.opts.tracing) : {}),
        METRICS_PORT: String(ep.appMetricsPort),
        ...(db ? { DB_URL: `${this.opts.mariadbUrl ?? 'mysql://root@127.0.0.1:3306'}/${db}` } : {}),
        ...(this.issuer ? { ISSUER: this.issuer } : {}),
        APP_API_TOKEN: this.appToken,
        ...this.opts.env,
        ...this.opts.appEnv?.[appId],
        ...this.opts.appEnv?.[key],
      },
      logFile: join(this.logDir, `${logName}.log`),
    }).start();
    const args = daprdArgs({
      appId,
      endpoints: ep,
      placementPort: this.placementPort,
      // Only sidecars of apps that use reminders/jobs get the scheduler: the others would hold a stream open for nothing.
      schedulerPort: manifest.scheduler ? this.schedulerPort : 0,
      resourcesDir: this.resourcesDir,
      configFile: this.configFile,
      logLevel: this.opts.daprLogLevel ?? 'warn',
    });
    running.daprd = new ManagedProcess({
      name: `daprd-${logName}`,
      command: this.bins.daprd,
      args,
      env: { DAPR_HOST_IP: '127.0.0.1', APP_API_TOKEN: this.appToken },
      logFile: join(this.logDir, `daprd-${logName}.log`),
    }).start();
    // Each process comes back alone: the app beside a live sidecar, or the sidecar beside a live app.
    for (const proc of [running.app, running.daprd]) {
      this.supervisor?.watch(proc as ManagedProcess, async () => {
        proc?.start();
        await this.waitUntilServing(running);
      });
    }
    await this.waitUntilServing(running);
  }

  /** Both answer, the app is ready, and it is routable through its sidecar (and placed, for actor hosts). */
  private async waitUntilServing(running: RunningApp): Promise<void> {
    const { manifest, endpoints: ep } = running;
    const appId = manifest.appId;
    await Promise.all([
      waitForHttp(`http://127.0.0.1:${ep.appPort}/healthz`, running.app, this.timeout),
      waitForHttp(`http://127.0.0.1:${ep.daprHttpPort}/v1.0/healthz`, running.daprd, this.timeout),
    ]);
    await waitForHttp(`http://127.0.0.1:${ep.appPort}/readyz`, running.app, this.timeout);
    // Ready means routable: name resolution has registered this app (a restart re-registers it).
    await waitForHttp(
      `http://127.0.0.1:${ep.daprHttpPort}/v1.0/invoke/${appId}/method/healthz`,
      running.daprd,
      this.timeout,
    );
    if (manifest.actors) await this.waitForActorHost(running);
  }

  /** Actor calls fail until placement has disseminated this host; wait for that, not a sleep. */
  private async waitForActorHost(app: RunningApp): Promise<void> {
    const url = `http://127.0.0.1:${app.endpoints.daprHttpPort}/v1.0/metadata`;
    const deadline = Date.now() + this.timeout;
    while (Date.now() < deadline) {
      try {
        const meta = (await (await fetch(url)).json()) as {
          actorRuntime?: { hostReady?: boolean; placement?: string };
        };
        if (meta.actorRuntime?.hostReady && /connected/.test(meta.actorRuntime.placement ?? '')) return;
      } catch {
        // sidecar restarting: keep polling until the deadline
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`actor host ${app.manifest.appId} not ready in placement; see ${this.logDir}`);
  }

  private async stopInstance(key: string, graceMs?: number): Promise<void> {
    const running = this.apps.get(key);
    if (!running) return;
    await Promise.all([running.daprd?.stop(graceMs), running.app?.stop(graceMs)]);
  }

  /** Stops one instance and its sidecar (politely, or with SIGKILL as a crash) and starts both again. */
  async restartApp(appId: string, how: 'graceful' | 'crash' = 'graceful', instance = 0): Promise<void> {
    const key = instanceKey(appId, instance);
    await this.stopInstance(key, how === 'crash' ? 0 : undefined);
    await this.startInstance(key);
  }

  /**
   * Stops one app process the way Kubernetes replaces a container (SIGTERM, then its grace), leaving
   * its sidecar running; startAppProcess starts it again with the same ports and environment.
   */
  async stopAppProcess(appId: string, instance = 0, graceMs = 30_000): Promise<number | null | undefined> {
    const app = this.apps.get(instanceKey(appId, instance))?.app;
    await app?.stop(graceMs);
    return app?.exitCode;
  }

  get placementProcess(): ManagedProcess | undefined {
    return this.placement;
  }

  /** The processes of one instance (a test that kills one from outside, as a crash would). */
  processes(appId: string, instance = 0): { app?: ManagedProcess; daprd?: ManagedProcess } {
    const running = this.apps.get(instanceKey(appId, instance));
    return { app: running?.app, daprd: running?.daprd };
  }

  /** `wait: false` returns once spawned (a test watching a start from outside). */
  async startAppProcess(appId: string, instance = 0, wait = true): Promise<void> {
    const running = this.apps.get(instanceKey(appId, instance));
    if (!running?.app) throw new Error(`app ${appId} instance ${instance} is not part of this stack`);
    running.app.start();
    if (wait) await this.waitUntilServing(running);
  }

  async stop(): Promise<void> {
    this.supervisor?.close();
    await Promise.all([...this.apps.keys()].map((key) => this.stopInstance(key)));
    await Promise.all([this.placement?.stop(), this.scheduler?.stop()]);
  }
}

/**
 * The OpenTelemetry SDK's own variables: OTLP/HTTP to the stack's collector, and a parent-based ratio
 * sampler, so a request the gateway sampled is traced in every service and sidecar it crosses.
 */
function otelEnv(t: TracingTarget): Record<string, string> {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://${t.otlpAddress}`,
    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: String(t.sampleRate),
  };
}

/** The gateway's /readyz waits for the services it routes to: in a stack, the ones this stack runs. */
function withGatewayUpstreams(opts: StackOptions): StackOptions {
  if (!opts.apps.includes('gateway')) return opts;
  const upstreams = opts.apps.filter((a) => a !== 'gateway').join(',');
  return { ...opts, appEnv: { ...opts.appEnv, gateway: { READY_UPSTREAMS: upstreams, ...opts.appEnv?.gateway } } };
}

function instanceKey(appId: string, instance: number): string {
  return instance === 0 ? appId : `${appId}#${instance}`;
}
