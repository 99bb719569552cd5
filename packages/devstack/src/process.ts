import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  logFile: string;
}

const live = new Set<ManagedProcess>();
// A crashed test worker or a Ctrl-C must not leave daprd processes holding ports.
process.once('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

/** How a process ended; `expected` when stop() asked for it (a crash or a kill from outside is not). */
export interface ProcessExit {
  name: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  expected: boolean;
  logFile: string;
}

/** A child process whose output goes to its own log file, stopped politely then firmly. */
export class ManagedProcess {
  private child?: ChildProcess;
  private log?: WriteStream;
  private exited?: Promise<number | null>;
  /** Settles when the child has exited AND its stdout/stderr have closed ('close'). */
  private outputClosed?: Promise<void>;
  private stopRequested = false;
  private readonly exitListeners: ((exit: ProcessExit) => void)[] = [];
  exitCode: number | null | undefined;
  exitSignal: NodeJS.Signals | null = null;

  constructor(readonly spec: ProcessSpec) {}

  start(): this {
    this.retireLog();
    mkdirSync(dirname(this.spec.logFile), { recursive: true });
    const log = createWriteStream(this.spec.logFile, { flags: 'a' });
    // A log that cannot be written (disk full) is said once; it must not take the stack down.
    let said = false;
    log.on('error', (e) => {
      if (!said) process.stderr.write(`[devstack] log ${this.spec.logFile}: ${e.message}\n`);
      said = true;
    });
    this.log = log;
    const child = spawn(this.spec.command, this.spec.args, {
      env: { ...process.env, ...this.spec.env },
      cwd: this.spec.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    this.outputClosed = new Promise((resolve) => child.once('close', () => resolve()));
    this.exitCode = undefined;
    this.exitSignal = null;
    this.stopRequested = false;
    this.exited = new Promise((resolve) => {
      const ended = (code: number | null, signal: NodeJS.Signals | null) => {
        if (this.exitCode !== undefined) return; // 'error' and 'exit' can both fire
        this.exitCode = code;
        this.exitSignal = signal;
        live.delete(this);
        resolve(code);
        const exit = { name: this.spec.name, code, signal, expected: this.stopRequested, logFile: this.spec.logFile };
        for (const listener of this.exitListeners) listener(exit);
      };
      child.once('exit', ended);
      child.once('error', (err) => {
        this.log?.write(`spawn failed: ${err.message}\n`);
        ended(-1, null);
      });
    });
    live.add(this);
    return this;
  }

  /** Called on every exit of this process, also after a restart with start(). */
  onExit(listener: (exit: ProcessExit) => void): this {
    this.exitListeners.push(listener);
    return this;
  }

  /** Resolves with the exit code once the process has ended (at once when it is not running). */
  async waitForExit(): Promise<number | null | undefined> {
    await this.exited;
    return this.exitCode;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  kill(signal: NodeJS.Signals): void {
    if (this.running) this.child?.kill(signal);
  }

  async stop(graceMs = 8000): Promise<void> {
    if (!this.child || !this.running) return this.closeLog();
    this.stopRequested = true;
    this.kill(graceMs === 0 ? 'SIGKILL' : 'SIGTERM');
    const timer = setTimeout(() => this.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
    // 'exit' comes before the pipes have delivered what the process wrote last (its shutdown
    // lines); the log ends once they closed. Bounded: a grandchild may hold a pipe open.
    await Promise.race([this.outputClosed, new Promise((r) => setTimeout(r, 2000).unref())]);
    this.closeLog();
  }

  /** A restart after a crash: the last run's log ends once that run's pipes have closed (its last lines kept). */
  private retireLog(): void {
    const log = this.log;
    if (!log) return;
    this.log = undefined;
    void (this.outputClosed ?? Promise.resolve()).then(() => log.end());
  }

  private closeLog(): void {
    if (!this.log) return;
    this.child?.stdout?.unpipe(this.log);
    this.child?.stderr?.unpipe(this.log);
    this.log.end();
    this.log = undefined;
  }
}

/** Polls a URL until it answers with one of the accepted statuses, or the process dies. */
export async function waitForHttp(
  url: string,
  proc: ManagedProcess | undefined,
  timeoutMs: number,
  accept: (status: number) => boolean = (s) => s >= 200 && s < 300,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (proc && !proc.running) {
      throw new Error(`${proc.spec.name} exited (code ${proc.exitCode}) before ${url} was ready${logTail(proc)}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (accept(res.status)) return;
      last = `status ${res.status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms (${last})${proc ? logTail(proc) : ''}`);
}

/** The last lines of a process's log, so a failed start explains itself in CI output. */
export function logTail(proc: ManagedProcess, lines = 15): string {
  const file = proc.spec.logFile;
  if (!existsSync(file)) return `; no log at ${file}`;
  const tail = readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n    ');
  return `; log ${file} ends:\n    ${tail}`;
}
