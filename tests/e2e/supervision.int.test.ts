import { startStack, type TestStack } from '@dbcarts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { within } from '../support/api';

// `npm start` supervises what it started (issue 12): a killed catalog used to leave the platform
// answering 503 with no word on the console. Here with the same Supervisor, on a stack of its own.
let stack: TestStack;
const lines: string[] = [];

beforeAll(async () => {
  stack = await startStack({
    apps: ['catalog'],
    appEnv: { catalog: { SEED_CATALOG_PRODUCTS: '3' } },
    supervise: { report: (line) => lines.push(line), initialBackoffMs: 300 },
  });
}, 120_000);
afterAll(() => stack?.stop());

/** A catalog read through the catalog's own sidecar: the app and its sidecar both have to be up. */
async function catalogAnswers(): Promise<boolean> {
  const port = stack.stack.endpoints('catalog').daprHttpPort;
  const res = await fetch(`http://127.0.0.1:${port}/v1.0/invoke/catalog/method/products?pageSize=1`, {
    signal: AbortSignal.timeout(3000),
  }).catch(() => undefined);
  return res?.status === 200;
}

describe('supervision', () => {
  it.each([
    ['the service', 'app', 'catalog', 'catalog.log'],
    ['its sidecar', 'daprd', 'daprd-catalog', 'daprd-catalog.log'],
  ] as const)(
    'kill -9 of %s: named with its exit code and log file, restarted, answering again',
    async (_what, which, name, log) => {
      expect(await catalogAnswers()).toBe(true);
      lines.length = 0;
      const proc = stack.stack.processes('catalog')[which];
      process.kill(proc?.pid as number, 'SIGKILL');
      await within(5_000, async () => lines.length > 0);
      expect(lines[0]).toBe(
        `${name} exited unexpectedly (killed by SIGKILL (exit code 137)); log: ${stack.stack.logDir}/${log}; ` +
          'restarting in 300 ms (crash 1 in a row)',
      );
      await within(60_000, async () => lines.some((l) => l.startsWith(`${name} restarted and answering`)));
      expect(await catalogAnswers()).toBe(true);
    },
    90_000,
  );

  it('kill -9 of placement: named, restarted on its ports, the stack keeps answering', async () => {
    lines.length = 0;
    process.kill(stack.stack.placementProcess?.pid as number, 'SIGKILL');
    await within(5_000, async () => lines.length > 0);
    expect(lines[0]).toMatch(
      /^placement exited unexpectedly \(killed by SIGKILL \(exit code 137\)\); log: .*placement\.log;/,
    );
    await within(60_000, async () => lines.some((l) => l.startsWith('placement restarted and answering')));
    expect(stack.stack.placementProcess?.running).toBe(true);
    expect(await catalogAnswers()).toBe(true);
  }, 90_000);
});
