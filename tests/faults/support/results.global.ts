import { readResults, startResults } from './report';

// The fault suite's table per run: a fresh results file when the run starts, the whole table
// printed when it ends (each scenario file appends its row in between).
export function setup(): void {
  startResults();
}

export function teardown(): void {
  process.stdout.write(`\n[fault] suite results\n${readResults()}\n`);
}
