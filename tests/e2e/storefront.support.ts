import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

// The storefront's browser tests: Debian's Chromium (ensure-infra.sh installs it) driven by
// playwright-core, axe-core injected for the accessibility check, screenshots kept as artifacts.

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const STOREFRONT_DIST = join(REPO, 'web', 'storefront', 'dist');
export const ARTIFACTS = join(REPO, '.artifacts', 'storefront');

/** The Chromium to drive: CHROMIUM_PATH, else the one on PATH. */
export function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], {
      encoding: 'utf8',
    }).trim();
  } catch {
    throw new Error('no chromium on PATH: bash scripts/ensure-infra.sh installs it (apt-get install chromium)');
  }
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    // Root in CI: Chromium's sandbox needs user namespaces that a container may not give.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}

/**
 * Watches a page for what a same-origin SPA must never do: load from another origin, trip its
 * CSP, or throw. `problems` collects them; a test asserts it stays empty.
 */
export function watch(page: Page, origin: string): string[] {
  const problems: string[] = [];
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (url.protocol !== 'data:' && url.origin !== origin) problems.push(`request to another origin: ${req.url()}`);
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) {
      problems.push(`CSP: ${msg.text()}`);
    }
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  return problems;
}

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown }[];
}

/** axe-core in the page (evaluated over CDP, so the page's CSP stays as served); serious or critical fail. */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  await page.evaluate(AXE);
  const violations = (await page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected into the page as a global
    const axe = (globalThis as any).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations;
  })) as AxeViolation[];
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad.map((v) => `${v.impact} ${v.id}: ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`),
    `accessibility of ${label}`,
  ).toEqual([]);
}

/** A full-page screenshot under .artifacts/storefront/ (git-ignored); prints its path. */
export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  console.log(`[storefront] screenshot ${path}`);
  return path;
}

export interface PageTimings {
  ttfbMs: number;
  domContentLoadedMs: number;
  loadMs: number;
  lcpMs: number | undefined;
  transferBytes: number;
}

/** Navigation Timing and Largest Contentful Paint of the page as it stands (after its load). */
export async function timings(page: Page): Promise<PageTimings> {
  return page.evaluate(async () => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const lcp = await new Promise<number | undefined>((done) => {
      let last: number | undefined;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) last = e.startTime;
      }).observe({ type: 'largest-contentful-paint', buffered: true });
      setTimeout(() => done(last), 200);
    });
    const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    return {
      ttfbMs: Math.round(nav.responseStart - nav.startTime),
      domContentLoadedMs: Math.round(nav.domContentLoadedEventEnd - nav.startTime),
      loadMs: Math.round(nav.loadEventEnd - nav.startTime),
      lcpMs: lcp === undefined ? undefined : Math.round(lcp),
      transferBytes: nav.transferSize + resources.reduce((n, r) => n + r.transferSize, 0),
    };
  });
}
