import { mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { firstExecutable } from './binaries';
import { freePort } from './ports';
import { ManagedProcess, waitForHttp } from './process';
import type { Stack } from './stack';

/**
 * A Prometheus server of the stack's own, scraping every app's GET /metrics (METRICS_PORT) and
 * every sidecar's metrics port. Not built by the project: the Debian package (`apt-get install
 * prometheus`, 2.42) or any release on PATH / PROMETHEUS_BIN; without one, `npm start` says so and
 * runs without it. deploy/prometheus/prometheus.yml is the cluster's configuration (pod annotations).
 */
export interface PrometheusOptions {
  logFile: string;
  /** Its TSDB and the rendered scrape configuration. */
  dataDir: string;
  targets: ScrapeTarget[];
  /** Fixed port (a dev stack); a free one when absent. */
  port?: number;
  scrapeIntervalSeconds?: number;
  timeoutMs?: number;
}

export interface ScrapeTarget {
  /** `dbcarts` (an app's own metrics), `daprd` (its sidecar's), `dapr-control-plane` (placement, scheduler). */
  job: 'dbcarts' | 'daprd' | 'dapr-control-plane';
  /** The Dapr app id (a replica is `app#1`), or the control-plane process's name. */
  app: string;
  address: string;
}

/** PROMETHEUS_BIN, then `prometheus` on PATH; undefined when neither exists. */
export function findPrometheusBinary(): string | undefined {
  return firstExecutable([
    process.env.PROMETHEUS_BIN,
    ...(process.env.PATH ?? '').split(delimiter).map((dir) => dir && join(dir, 'prometheus')),
  ]);
}

/** Every app instance's metrics listener and its sidecar's, and placement's and the scheduler's. */
export function stackScrapeTargets(stack: Stack): ScrapeTarget[] {
  const controlPlane = Object.entries(stack.controlPlaneMetricsPorts).map(([app, port]) => ({
    job: 'dapr-control-plane' as const,
    app,
    address: `127.0.0.1:${port}`,
  }));
  const apps = stack.opts.apps.flatMap((appId) =>
    Array.from({ length: stack.opts.replicas?.[appId] ?? 1 }, (_, i) => {
      const ep = stack.endpoints(appId, i);
      const app = i === 0 ? appId : `${appId}#${i}`;
      return [
        { job: 'dbcarts' as const, app, address: `127.0.0.1:${ep.appMetricsPort}` },
        { job: 'daprd' as const, app, address: `127.0.0.1:${ep.metricsPort}` },
      ];
    }).flat(),
  );
  return [...apps, ...controlPlane];
}

/** The scrape configuration: JSON, which is YAML too, so no YAML writer is needed. */
export function renderPrometheusConfig(targets: ScrapeTarget[], intervalSeconds = 5): string {
  const job = (name: ScrapeTarget['job']) => ({
    job_name: name,
    metrics_path: name === 'dbcarts' ? '/metrics' : '/',
    static_configs: targets
      .filter((t) => t.job === name)
      .map((t) => ({ targets: [t.address], labels: { app: t.app } })),
  });
  return `${JSON.stringify(
    {
      global: { scrape_interval: `${intervalSeconds}s`, scrape_timeout: `${Math.min(intervalSeconds, 5)}s` },
      scrape_configs: [job('dbcarts'), job('daprd'), job('dapr-control-plane')],
    },
    null,
    2,
  )}\n`;
}

export class Prometheus {
  private proc?: ManagedProcess;

  private constructor(
    private readonly opts: PrometheusOptions,
    private readonly binary: string,
    readonly port: number,
  ) {}

  /** Undefined when no Prometheus binary is installed (the caller says so). */
  static async start(opts: PrometheusOptions): Promise<Prometheus | undefined> {
    const binary = findPrometheusBinary();
    if (!binary) return undefined;
    const prometheus = new Prometheus(opts, binary, opts.port ?? (await freePort()));
    await prometheus.start();
    return prometheus;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** An instant PromQL query through the HTTP API; the result vector. */
  async query(promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
    const res = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(promql)}`, {
      signal: AbortSignal.timeout(5_000),
    });
    const body = (await res.json()) as { status: string; error?: string; data?: { result: [] } };
    if (body.status !== 'success') throw new Error(`Prometheus query ${promql} failed: ${body.error}`);
    return body.data?.result ?? [];
  }

  async start(): Promise<void> {
    const configFile = join(this.opts.dataDir, 'prometheus.json');
    mkdirSync(dirname(configFile), { recursive: true });
    writeFileSync(configFile, renderPrometheusConfig(this.opts.targets, this.opts.scrapeIntervalSeconds));
    this.proc = new ManagedProcess({
      name: 'prometheus',
      command: this.binary,
      args: [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(this.opts.dataDir, 'tsdb')}`,
        `--web.listen-address=127.0.0.1:${this.port}`,
        // A dev stack's history: a day is plenty, and the disk stays small.
        '--storage.tsdb.retention.time=1d',
      ],
      logFile: this.opts.logFile,
    }).start();
    await waitForHttp(`${this.url}/-/ready`, this.proc, this.opts.timeoutMs ?? 30_000);
  }

  async stop(): Promise<void> {
    await this.proc?.stop();
  }
}
