import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManagedProcess } from './process';
import { describeExit, Supervisor } from './supervisor';

// Real child processes (node itself), killed the way a crash or a shell would kill them.
const dir = mkdtempSync(join(tmpdir(), 'supervisor-'));
const procs: ManagedProcess[] = [];
const supervisors: Supervisor[] = [];
afterEach(async () => {
  for (const s of supervisors.splice(0)) s.close();
  await Promise.all(procs.splice(0).map((p) => p.stop(500)));
});

function sleeper(name: string) {
  const p = new ManagedProcess({
    name,
    command: process.execPath,
    args: ['-e', 'console.log("up", process.pid); setInterval(() => {}, 1000)'],
    logFile: join(dir, `${name}.log`),
  });
  procs.push(p);
  return p;
}

function supervised(opts: { initialBackoffMs: number; maxBackoffMs?: number }) {
  const lines: string[] = [];
  const s = new Supervisor({ ...opts, report: (l) => lines.push(l) });
  supervisors.push(s);
  return { s, lines };
}

const until = async (probe: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('Supervisor', () => {
  it('a process killed from outside (kill -9) is reported with its exit and log file, and restarted', async () => {
    const { s, lines } = supervised({ initialBackoffMs: 50 });
    const p = sleeper('catalog').start();
    let restarted = 0;
    s.watch(p, async () => {
      restarted++;
      p.start();
    });
    process.kill(p.pid as number, 'SIGKILL');
    await until(() => restarted === 1 && p.running);
    expect(lines[0]).toBe(
      `catalog exited unexpectedly (killed by SIGKILL (exit code 137)); log: ${join(dir, 'catalog.log')}; restarting in 50 ms (crash 1 in a row)`,
    );
    await until(() => lines.length === 2);
    expect(lines[1]).toMatch(/^catalog restarted and answering \(\d+ ms\)$/);
  });

  it('backs off per crash in a row (doubling, capped) and leaves stop() alone', async () => {
    const { s, lines } = supervised({ initialBackoffMs: 40, maxBackoffMs: 100 });
    const p = sleeper('orders').start();
    s.watch(p, async () => void p.start());
    for (let i = 0; i < 3; i++) {
      await until(() => p.running);
      process.kill(p.pid as number, 'SIGKILL');
      await until(() => lines.filter((l) => l.includes('exited')).length === i + 1);
    }
    const delays = lines.filter((l) => l.includes('exited')).map((l) => l.match(/restarting in (\d+ ms)/)?.[1]);
    expect(delays).toEqual(['40 ms', '80 ms', '100 ms']); // doubling, capped at maxBackoffMs
    await until(() => p.running);
    await p.stop(1000); // asked for: not a crash
    await new Promise((r) => setTimeout(r, 300));
    expect(p.running).toBe(false);
    expect(lines.filter((l) => l.includes('exited'))).toHaveLength(3);
  });

  it('describes exits the way a shell does', () => {
    expect(describeExit({ code: 1, signal: null })).toBe('exit code 1');
    expect(describeExit({ code: null, signal: 'SIGTERM' })).toBe('killed by SIGTERM (exit code 143)');
  });
});
