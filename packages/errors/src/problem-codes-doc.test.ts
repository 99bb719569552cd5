import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// A problem `code` is a contract API clients branch on: each one the sources can answer must have a
// row in docs/problem-codes.md, and each row must name a code that still exists.

const root = join(__dirname, '..', '..', '..');

/** Non-test TypeScript of the services (src, and client and contract: they name codes too) and packages (src). */
function sourceFiles(): string[] {
  const under = (parent: string, subdirs: string[]) =>
    readdirSync(join(root, parent)).flatMap((name) => subdirs.map((d) => join(root, parent, name, d)));
  return [...under('services', ['src', 'client', 'contract']), ...under('packages', ['src'])]
    .filter((dir) => existsSync(dir))
    .flatMap((dir) => readdirSync(dir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !/\.(test|d)\.ts$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

// A dotted code: exactly two upper-snake segments. Three or more segments are not our codes (PayPal
// event types such as 'PAYMENT.CAPTURE.COMPLETED'), nor is anything with lower case, digits or spaces.
const CODE = /^[A-Z][A-Z_]+\.[A-Z][A-Z_]+$/;
const QUOTED = /(['"`])([A-Z][A-Z_.]*)\1/g;
// A code without a dot ('INTERNAL', 'RATE_LIMITED') is only taken where it is used as one: assigned
// to `code`, or passed as problem()'s code argument. Elsewhere such a string is just a constant.
const UNDOTTED = /\bcode\s*[:=]\s*['"]([A-Z][A-Z_]+)['"]|\bproblem\(\s*[^,()]+,\s*['"]([A-Z][A-Z_]+)['"]/g;

function codesInSources(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of sourceFiles()) {
    const text = readFileSync(file, 'utf8');
    const codes = [
      ...[...text.matchAll(QUOTED)].map((m) => m[2] ?? '').filter((s) => CODE.test(s)),
      ...[...text.matchAll(UNDOTTED)].map((m) => m[1] ?? m[2] ?? ''),
    ];
    for (const code of codes) found.set(code, [...(found.get(code) ?? []), file.slice(root.length + 1)]);
  }
  return found;
}

/** Codes documented: the first cell of a table row (a code merely mentioned in prose does not count). */
function codesInDoc(): Set<string> {
  const doc = readFileSync(join(root, 'docs', 'problem-codes.md'), 'utf8');
  return new Set([...doc.matchAll(/^\|\s*`([A-Z][A-Z_.]*)`\s*\|/gm)].map((m) => m[1] ?? ''));
}

describe('docs/problem-codes.md', () => {
  const inSources = codesInSources();
  const inDoc = codesInDoc();

  it('finds codes of every shape it looks for, and no PayPal event type', () => {
    for (const code of ['ORDER.NOT_FOUND', 'DEPENDENCY.UNAVAILABLE', 'INTERNAL', 'RATE_LIMITED']) {
      expect(inSources.has(code), code).toBe(true);
    }
    expect(inSources.has('PAYMENT.CAPTURE.COMPLETED')).toBe(false);
  });

  it('documents every code the sources use', () => {
    const missing = [...inSources].filter(([code]) => !inDoc.has(code)).map(([code, files]) => `${code} (${files[0]})`);
    expect(missing, 'codes without a row in docs/problem-codes.md').toEqual([]);
  });

  it('documents no code that no longer exists', () => {
    const stale = [...inDoc].filter((code) => !inSources.has(code));
    expect(stale, 'rows of docs/problem-codes.md whose code is gone from the sources').toEqual([]);
  });
});
