import type { ManagedProcess, ProcessExit } from './process';

export interface SuperviseOptions {
  /** Where the one-line reports go (`npm start`: the console). */
  report?: (line: string) => void;
  /** First restart delay; doubles per crash in a row up to maxBackoffMs. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A process that stayed up this long before dying starts again from the first delay. */
  stableAfterMs?: number;
}

/**
 * Restarts what died on its own (a crash, an OOM kill, `kill -9` from a shell) and says so: which
 * process, how it ended, where its log is. Exits that stop() asked for are left alone. Each process
 * backs off on its own, so one crash-looping service does not slow the others' recovery.
 */
export class Supervisor {
  private closed = false;
  private readonly crashes = new Map<string, { inARow: number; startedAt: number }>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly opts: SuperviseOptions = {}) {}

  /** `restart` starts the process again and resolves once it answers (or throws). */
  watch(proc: ManagedProcess, restart: () => Promise<void>): void {
    const key = proc.spec.logFile;
    this.crashes.set(key, { inARow: 0, startedAt: Date.now() });
    proc.onExit((exit) => {
      if (exit.expected || this.closed) return;
      const state = this.crashes.get(key) ?? { inARow: 0, startedAt: 0 };
      if (Date.now() - state.startedAt >= (this.opts.stableAfterMs ?? 60_000)) state.inARow = 0;
      state.inARow++;
      this.crashes.set(key, state);
      const delay = Math.min(
        this.opts.maxBackoffMs ?? 30_000,
        (this.opts.initialBackoffMs ?? 1_000) * 2 ** (state.inARow - 1),
      );
      this.say(
        `${exit.name} exited unexpectedly (${describeExit(exit)}); log: ${exit.logFile}; ` +
          `restarting in ${delay < 1000 ? `${delay} ms` : `${(delay / 1000).toFixed(1)} s`} (crash ${state.inARow} in a row)`,
      );
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (this.closed) return;
        state.startedAt = Date.now();
        const t0 = Date.now();
        restart().then(
          () => this.say(`${exit.name} restarted and answering (${Date.now() - t0} ms)`),
          // A process that dies again while starting is reported (and rescheduled) by its exit.
          (err) => this.say(`${exit.name} restart failed: ${(err as Error).message.split('\n')[0]}`),
        );
      }, delay);
      this.timers.add(timer);
    });
  }

  /** Stack shutdown: nothing is restarted any more. */
  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private say(line: string): void {
    (this.opts.report ?? ((l: string) => console.log(`[dbcarts] ${l}`)))(line);
  }
}

/** `exit code 1`, or `killed by SIGKILL (exit code 137)` the way a shell reports it. */
export function describeExit(exit: Pick<ProcessExit, 'code' | 'signal'>): string {
  if (exit.signal) {
    const n = SIGNALS[exit.signal];
    return `killed by ${exit.signal}${n ? ` (exit code ${128 + n})` : ''}`;
  }
  return `exit code ${exit.code}`;
}

const SIGNALS: Partial<Record<NodeJS.Signals, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGABRT: 6,
  SIGKILL: 9,
  SIGSEGV: 11,
  SIGTERM: 15,
};
