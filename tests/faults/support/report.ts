import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

// One row per scenario: what was attempted and how it ended, and each invariant as read from
// stored state afterwards. Rows are printed as each scenario ends and appended to a results file
// (FAULT_RESULTS, default .dev/faults/results.md); the suite's global setup starts the file and
// prints the whole table at the end of the run. The README holds the last one.

export const INVARIANTS = [
  'no oversell',
  'no lost acknowledged order',
  'no double capture',
  'reservation settled once',
  'event applied once',
  'ledger balanced',
] as const;
export type Invariant = (typeof INVARIANTS)[number];

export interface Check {
  ok: boolean;
  /** Why it broke (or what was compared), for the log. */
  detail?: string;
}

export interface Tally {
  attempted: number;
  acknowledged: number;
  failed: number;
  /** No definite answer (timeout, 5xx, connection cut): resolved from stored state afterwards. */
  indeterminate: number;
}

export interface ScenarioResult {
  scenario: string;
  /** How the fault was injected (Toxiproxy toxic, SIGKILL, CLIENT PAUSE...). */
  injection: string;
  tally: Tally;
  /** Invariants this scenario exercises; the others print as "-". */
  checks: Partial<Record<Invariant, Check>>;
  seconds: number;
  /** Printed under the row: e.g. the answers by status and code. */
  notes?: string;
}

export const RESULTS_FILE =
  process.env.FAULT_RESULTS ?? resolve(__dirname, '..', '..', '..', '.dev', 'faults', 'results.md');

export const SHORT: Record<Invariant, string> = {
  'no oversell': 'oversell',
  'no lost acknowledged order': 'lost ack',
  'no double capture': 'double capture',
  'reservation settled once': 'reservation once',
  'event applied once': 'event once',
  'ledger balanced': 'ledger',
};

export function tableHeader(): string {
  const cols = ['scenario', 'fault injected', 'attempted', 'acked', 'failed', 'indeterminate'];
  const inv = INVARIANTS.map((i) => SHORT[i]);
  return `| ${[...cols, ...inv, 's'].join(' | ')} |\n|${[...cols, ...inv, 's'].map(() => ' --- ').join('|')}|\n`;
}

export function tableRow(r: ScenarioResult): string {
  const verdict = (i: Invariant) => {
    const c = r.checks[i];
    return c === undefined ? '-' : c.ok ? 'held' : '**BROKEN**';
  };
  const t = r.tally;
  return `| ${[
    r.scenario,
    r.injection,
    t.attempted,
    t.acknowledged,
    t.failed,
    t.indeterminate,
    ...INVARIANTS.map(verdict),
    r.seconds.toFixed(0),
  ].join(' | ')} |\n`;
}

/** Prints the scenario's row (and every broken invariant's detail) and appends it to the results file. */
export function record(r: ScenarioResult): void {
  mkdirSync(dirname(RESULTS_FILE), { recursive: true });
  if (!existsSync(RESULTS_FILE)) writeFileSync(RESULTS_FILE, tableHeader());
  appendFileSync(RESULTS_FILE, tableRow(r));
  const details = Object.entries(r.checks)
    .map(([name, c]) => `  ${c?.ok ? 'held  ' : 'BROKEN'} ${name}${c?.detail ? `: ${c.detail}` : ''}`)
    .join('\n');
  const notes = r.notes ? `\n  ${r.notes}` : '';
  process.stdout.write(`\n[fault] ${r.scenario}\n${tableHeader()}${tableRow(r)}${details}${notes}\n`);
}

export function readResults(): string {
  return existsSync(RESULTS_FILE) ? readFileSync(RESULTS_FILE, 'utf8') : '';
}

export function startResults(): void {
  mkdirSync(dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(RESULTS_FILE, tableHeader());
}
