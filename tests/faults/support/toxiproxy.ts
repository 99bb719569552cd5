import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@dbcarts/devstack';

// A Toxiproxy server of the test's own (scripts/build-toxiproxy.sh builds it into .dapr/bin) and a
// client for its HTTP API. Sidecars and services reach Redis / MariaDB / RabbitMQ through its
// proxies, so a fault is cut, slowed or reset for this stack only: the machine's shared servers,
// which other runs use at the same time, are never stopped.

export type ToxicType = 'latency' | 'timeout' | 'reset_peer' | 'bandwidth' | 'slow_close' | 'limit_data';

export interface Toxic {
  name: string;
  type: ToxicType;
  /** Which direction the toxic acts on: `downstream` (server → client) or `upstream`. */
  stream?: 'upstream' | 'downstream';
  toxicity?: number;
  attributes: Record<string, number>;
}

export interface ToxiProxy {
  name: string;
  /** Where clients connect instead of the real server: 127.0.0.1:<port>. */
  port: number;
  upstream: string;
}

/** Every call to the API is bounded: a hung Toxiproxy must fail the test, not hang it. */
const API_TIMEOUT_MS = 5000;

export class Toxiproxy {
  private constructor(
    private readonly child: ChildProcess,
    readonly apiUrl: string,
  ) {}

  static async start(repoRoot: string, logFile: string): Promise<Toxiproxy> {
    const bin = join(process.env.TOXIPROXY_BIN_DIR ?? join(repoRoot, '.dapr', 'bin'), 'toxiproxy-server');
    try {
      accessSync(bin, constants.X_OK);
    } catch {
      throw new Error(`${bin} not found: run \`bash scripts/build-toxiproxy.sh\` (npm run tools:build does it)`);
    }
    const port = await freePort();
    const log = createWriteStream(logFile, { flags: 'a' });
    const child = spawn(bin, ['-host', '127.0.0.1', '-port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    const proxy = new Toxiproxy(child, `http://127.0.0.1:${port}`);
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        if ((await fetch(`${proxy.apiUrl}/version`, { signal: AbortSignal.timeout(1000) })).ok) return proxy;
      } catch {
        // not listening yet
      }
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`toxiproxy-server did not start on ${port}; see ${logFile}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** A proxy on a free local port in front of `upstream` (host:port). */
  async proxy(name: string, upstream: string): Promise<ToxiProxy> {
    const port = await freePort();
    await this.call('POST', '/proxies', { name, listen: `127.0.0.1:${port}`, upstream, enabled: true });
    return { name, port, upstream };
  }

  /** Disabled: the listener closes and every open connection is cut (clients see a reset / refusal). */
  setEnabled(name: string, enabled: boolean): Promise<unknown> {
    return this.call('POST', `/proxies/${name}`, { enabled });
  }

  addToxic(proxy: string, toxic: Toxic): Promise<unknown> {
    return this.call('POST', `/proxies/${proxy}/toxics`, { stream: 'downstream', toxicity: 1, ...toxic });
  }

  removeToxic(proxy: string, toxic: string): Promise<unknown> {
    return this.call('DELETE', `/proxies/${proxy}/toxics/${toxic}`);
  }

  /**
   * A network partition: data stops both ways and nothing is closed (a black hole, as when a link
   * drops, not a refused connection). Ends with heal().
   */
  async partition(proxy: string): Promise<void> {
    await this.addToxic(proxy, {
      name: 'partition-up',
      type: 'timeout',
      stream: 'upstream',
      attributes: { timeout: 0 },
    });
    await this.addToxic(proxy, {
      name: 'partition-down',
      type: 'timeout',
      stream: 'downstream',
      attributes: { timeout: 0 },
    });
  }

  async heal(proxy: string): Promise<void> {
    await this.removeToxic(proxy, 'partition-up');
    await this.removeToxic(proxy, 'partition-down');
  }

  /** Every proxy enabled, every toxic removed. */
  reset(): Promise<unknown> {
    return this.call('POST', '/reset');
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) return resolve();
      this.child.once('exit', () => resolve());
      this.child.kill('SIGKILL');
    });
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.apiUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(API_TIMEOUT_MS),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`toxiproxy ${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }
}
