import { writeFileSync } from 'node:fs';
import { findToolBinary } from './binaries';
import { freePorts } from './ports';
import { ManagedProcess, waitForHttp } from './process';

/**
 * Jaeger (v1.76 `cmd/jaeger`, the OpenTelemetry-collector based all-in-one) where every service and
 * every daprd of a stack sends its spans over OTLP/HTTP, kept in memory and read back through the
 * query API (`/api/traces`). Built by scripts/build-jaeger.sh into .dapr/bin. Each stack gets its own
 * (free ports in tests; 4318 and 16686 in a dev stack, the ports every tool expects).
 */
export interface JaegerOptions {
  repoRoot: string;
  logFile: string;
  /** The collector configuration is rendered here. */
  configFile: string;
  /** Fixed ports (a dev stack); free ones when absent. */
  otlpHttpPort?: number;
  queryPort?: number;
  /** Traces kept in memory; the oldest go first. */
  maxTraces?: number;
  timeoutMs?: number;
}

/** JAEGER_BIN, then the project's build (.dapr/bin/jaeger). */
export function findJaegerBinary(repoRoot: string): string {
  return findToolBinary(repoRoot, 'jaeger', 'JAEGER_BIN', 'scripts/build-jaeger.sh');
}

export class Jaeger {
  private proc?: ManagedProcess;

  private constructor(
    private readonly opts: JaegerOptions,
    private readonly binary: string,
    readonly otlpHttpPort: number,
    readonly queryPort: number,
    private readonly healthPort: number,
  ) {}

  static async start(opts: JaegerOptions): Promise<Jaeger> {
    const binary = findJaegerBinary(opts.repoRoot);
    const [free1, free2, health] = (await freePorts(3)) as [number, number, number];
    const jaeger = new Jaeger(opts, binary, opts.otlpHttpPort ?? free1, opts.queryPort ?? free2, health);
    await jaeger.start();
    return jaeger;
  }

  /** OTLP/HTTP base URL for OTEL_EXPORTER_OTLP_ENDPOINT (the SDK appends /v1/traces). */
  get otlpEndpoint(): string {
    return `http://127.0.0.1:${this.otlpHttpPort}`;
  }

  /** host:port for daprd's `tracing.otel.endpointAddress`. */
  get otlpAddress(): string {
    return `127.0.0.1:${this.otlpHttpPort}`;
  }

  /** The query API (`/api/traces?service=...`, `/api/traces/{id}`, `/api/services`). */
  get queryUrl(): string {
    return `http://127.0.0.1:${this.queryPort}`;
  }

  async start(): Promise<void> {
    writeFileSync(this.opts.configFile, this.config());
    this.proc = new ManagedProcess({
      name: 'jaeger',
      command: this.binary,
      args: ['--config', this.opts.configFile],
      logFile: this.opts.logFile,
    }).start();
    await waitForHttp(`http://127.0.0.1:${this.healthPort}/status`, this.proc, this.opts.timeoutMs ?? 30_000);
    await waitForHttp(`${this.queryUrl}/api/services`, this.proc, this.opts.timeoutMs ?? 30_000);
  }

  async stop(): Promise<void> {
    await this.proc?.stop();
  }

  /**
   * Only what a stack needs: OTLP over HTTP in (services and daprd both speak it), memory storage,
   * the query API, a health endpoint. No own metrics port (8888 would clash between stacks), no
   * Jaeger/Zipkin receivers, no remote sampling (sampling is decided by the services and daprd).
   */
  private config(): string {
    return `service:
  extensions: [jaeger_storage, jaeger_query, healthcheckv2]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [jaeger_storage_exporter]
  telemetry:
    resource:
      service.name: jaeger
    metrics:
      level: none
    logs:
      level: warn
extensions:
  healthcheckv2:
    use_v2: true
    http:
      endpoint: 127.0.0.1:${this.healthPort}
  jaeger_query:
    storage:
      traces: memstore
    http:
      endpoint: 127.0.0.1:${this.queryPort}
    grpc:
      endpoint: 127.0.0.1:0
  jaeger_storage:
    backends:
      memstore:
        memory:
          max_traces: ${this.opts.maxTraces ?? 100_000}
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:${this.otlpHttpPort}
processors:
  batch:
    timeout: 200ms
exporters:
  jaeger_storage_exporter:
    trace_storage: memstore
`;
  }
}
