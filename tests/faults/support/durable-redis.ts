import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@dbcarts/devstack';
import { Redis } from 'ioredis';

// A Redis of the test's own that keeps its data across a restart: append-only file, fsync on every
// write, so whatever it acknowledged before a kill -9 is there after (as a production Redis holding
// actor state would be set up). The machine's Redis keeps nothing on disk and is shared with other
// runs: it is never the one restarted. tests/support/private-redis.ts is the non-durable sibling.
export interface DurableRedis {
  port: number;
  /** Component metadata that puts every Redis component (state, cache, broadcast, configuration) here. */
  metadata: Record<string, string>;
  url: string;
  /** kill -9, then the same server on the same port and data directory after `downMs`. */
  crashAndRestart(downMs: number): Promise<void>;
  /** CLIENT PAUSE <ms> ALL: every client's commands wait until it ends; returns at once. */
  pause(ms: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startDurableRedis(): Promise<DurableRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'dbcarts-faults-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''];
  const aof = ['--appendonly', 'yes', '--appendfsync', 'always'];
  const url = `redis://127.0.0.1:${port}`;
  let child = await launch(args, aof, url);
  return {
    port,
    url,
    metadata: { redisHost: `127.0.0.1:${port}` },
    async crashAndRestart(downMs) {
      await kill(child);
      await new Promise((r) => setTimeout(r, downMs));
      child = await launch(args, aof, url);
    },
    pause: (ms) =>
      new Promise((resolve, reject) =>
        execFile('redis-cli', ['-p', String(port), 'CLIENT', 'PAUSE', String(ms), 'ALL'], (err) =>
          err ? reject(err) : resolve(),
        ),
      ),
    async stop() {
      await kill(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function launch(args: string[], aof: string[], url: string): Promise<ChildProcess> {
  const child = spawn('/usr/bin/redis-server', [...args, ...aof], { stdio: 'ignore' });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined); // refused until the server listens (or while it loads the AOF)
    try {
      await probe.connect();
      await probe.ping();
      return child;
    } catch (e) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`durable redis-server did not start: ${e}`);
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      probe.disconnect();
    }
  }
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
