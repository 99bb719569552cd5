import { existsSync, readFileSync } from 'node:fs';
import { findToolBinary } from './binaries';
import { freePort } from './ports';
import { ManagedProcess } from './process';

/**
 * kfake (tools/kfake: franz-go's Kafka-protocol broker in Go, in memory), the broker behind the
 * pubsub-kafka profile on a machine without a JVM. Built by scripts/build-kfake.sh into .dapr/bin
 * beside daprd. Each stack gets its own (a free port in tests), and both Kafka components are pointed
 * at it through the per-stack component metadata (`brokers`). Nothing is kept across a restart.
 */
export interface KfakeOptions {
  repoRoot: string;
  logFile: string;
  /** A fixed port (a dev stack); a free one when absent. */
  port?: number;
  /** Partitions of each auto-created topic; 1 keeps every topic in publish order. */
  partitions?: number;
  timeoutMs?: number;
}

/** KFAKE_BIN, then the project's build (.dapr/bin/kfake). */
export function findKfakeBinary(repoRoot: string): string {
  return findToolBinary(repoRoot, 'kfake', 'KFAKE_BIN', 'scripts/build-kfake.sh');
}

export class Kfake {
  private proc?: ManagedProcess;

  private constructor(
    private readonly opts: KfakeOptions,
    private readonly binary: string,
    readonly port: number,
  ) {}

  static async start(opts: KfakeOptions): Promise<Kfake> {
    const kfake = new Kfake(opts, findKfakeBinary(opts.repoRoot), opts.port ?? (await freePort()));
    await kfake.start();
    return kfake;
  }

  /** The bootstrap broker list, as Kafka clients take it. */
  get brokers(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Component metadata that points the Kafka components (pubsub, broadcast) at this broker. */
  get metadata(): Record<string, string> {
    return { brokers: this.brokers };
  }

  async start(): Promise<void> {
    const readyBefore = this.readyLines();
    this.proc = new ManagedProcess({
      name: 'kfake',
      command: this.binary,
      args: ['-port', String(this.port), '-brokers', '1', '-partitions', String(this.opts.partitions ?? 1)],
      logFile: this.opts.logFile,
    }).start();
    // It prints "ready <host:port>" once its broker accepts connections (its stdout goes to the log).
    const deadline = Date.now() + (this.opts.timeoutMs ?? 15_000);
    while (this.readyLines() <= readyBefore) {
      if (!this.proc.running) throw new Error(`kfake exited (code ${this.proc.exitCode}); see ${this.opts.logFile}`);
      if (Date.now() > deadline) throw new Error(`kfake not ready on ${this.brokers}; see ${this.opts.logFile}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    await this.proc?.stop();
  }

  private readyLines(): number {
    if (!existsSync(this.opts.logFile)) return 0;
    return (readFileSync(this.opts.logFile, 'utf8').match(/^ready /gm) ?? []).length;
  }
}
