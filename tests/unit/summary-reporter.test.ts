import type { TestModule } from 'vitest/node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import SummaryReporter from '../support/summary.reporter';

// The last line CI reads: a failed file must count as a failure even when none of its tests ran.
const file = (state: string, tests: string[]) =>
  ({
    state: () => state,
    children: { allTests: () => tests.map((s) => ({ result: () => ({ state: s }) })) },
  }) as unknown as TestModule;

function summary(modules: TestModule[]): string {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    out += String(s);
    return true;
  });
  new SummaryReporter().onTestRunEnd(modules, []);
  return out.trim();
}
afterEach(() => vi.restoreAllMocks());

describe('SummaryReporter', () => {
  it('counts passed and failed tests', () => {
    expect(summary([file('passed', ['passed', 'passed']), file('failed', ['passed', 'failed'])])).toBe(
      '3 passed, 1 failed',
    );
  });

  it('counts a file whose beforeAll threw (its tests skipped) and a file that did not load as failed', () => {
    expect(summary([file('passed', ['passed']), file('failed', ['skipped', 'skipped']), file('failed', [])])).toBe(
      '1 passed, 2 failed, 2 skipped',
    );
  });
});
