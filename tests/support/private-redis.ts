import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { freePort } from '@dbcarts/devstack';
import { Redis } from 'ioredis';

// A Redis server of the test's own. The machine's Redis on 6379 is shared with other runs: pausing
// it would stall them too. Point a stack at this one (env REDIS_URL, component metadata redisHost).
export interface PrivateRedis {
  port: number;
  url: string;
  /** Component metadata that puts every Redis component (state, cache, broadcast, configuration) here. */
  metadata: Record<string, string>;
  /** CLIENT PAUSE <ms> ALL: every client's commands wait until the pause ends; returns at once. */
  pause(ms: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    '/usr/bin/redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined); // refused until the server listens: retried below
    try {
      await probe.connect();
      await probe.ping();
      break;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`private redis-server on ${port} did not start: ${e}`);
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      probe.disconnect();
    }
  }
  return {
    port,
    url,
    metadata: { redisHost: `127.0.0.1:${port}` },
    pause: (ms) =>
      new Promise((resolve, reject) =>
        // redis-cli: a connection of its own that ends right after, so the pause blocks nobody of ours.
        execFile('redis-cli', ['-p', String(port), 'CLIENT', 'PAUSE', String(ms), 'ALL'], (err) =>
          err ? reject(err) : resolve(),
        ),
      ),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}
