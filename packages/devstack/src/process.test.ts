import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManagedProcess } from './process';

// What a process writes while it stops (its shutdown lines) can reach the pipe after its 'exit'
// event: always when a child of its own still holds the pipe (a wrapper such as npm or sh), here a
// helper that writes 300 ms after the process exited. Those lines must reach the log file, and the
// stop must not crash the parent (`npm start` on Ctrl-C threw "write after end" from the log).
const LATE_WRITER = `
process.on('SIGTERM', () => {
  const { spawn } = require('node:child_process');
  spawn(process.execPath, ['-e', "setTimeout(() => console.log('last line'), 300)"], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  process.exit(0);
});
console.log('ready');
setInterval(() => {}, 1000);
`;

describe('ManagedProcess.stop', () => {
  it('keeps what reaches the pipe after the exit, and ends the log only after that', async () => {
    const logFile = join(mkdtempSync(join(tmpdir(), 'dbcarts-proc-')), 'late.log');
    for (let round = 0; round < 2; round++) {
      const proc = new ManagedProcess({ name: 'late', command: process.execPath, args: ['-e', LATE_WRITER], logFile });
      proc.start();
      const count = (word: string) => (existsSync(logFile) ? readFileSync(logFile, 'utf8').split(word).length - 1 : 0);
      for (let i = 0; i < 200 && count('ready') <= round; i++) await new Promise((r) => setTimeout(r, 20));
      await proc.stop(5000);
      expect(count('last line'), `round ${round}`).toBe(round + 1);
    }
  });
});
