import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

// The resiliency spec is read only by daprd: these checks keep its rules (docs/resiliency.md) from
// eroding one edit at a time.
const root = join(__dirname, '..', '..');
const local = readFileSync(join(root, 'components', 'default', 'resiliency.yaml'), 'utf8');
const k8s = readFileSync(join(root, 'deploy', 'k8s', 'resiliency.yaml'), 'utf8');
const body = (text: string) => text.slice(text.indexOf('apiVersion:'));

interface Target {
  timeout?: string;
  retry?: string;
  circuitBreaker?: string;
}
const spec = parse(local).spec as {
  policies: {
    timeouts: Record<string, string>;
    retries: Record<string, object>;
    circuitBreakers: Record<string, object>;
  };
  targets: {
    apps?: object;
    actors: Record<string, Target>;
    components: Record<string, { inbound?: Target; outbound?: Target }>;
  };
};

/** Component names of the local default set and of the Kubernetes set. */
function componentNames(): string[] {
  const dir = join(root, 'components', 'default');
  const files = readdirSync(dir).map((f) => join(dir, f));
  files.push(join(root, 'deploy', 'k8s', 'components.yaml'));
  const docs = files.flatMap((f) => parseAllDocuments(readFileSync(f, 'utf8')).map((d) => d.toJS()));
  return [...new Set(docs.filter((d) => d?.kind === 'Component').map((d) => d.metadata.name as string))].sort();
}

describe('resiliency.yaml', () => {
  it('is the same locally and in Kubernetes below the header', () => {
    expect(body(k8s)).toBe(body(local));
  });

  it('names no app target: that would switch off daprd’s reconnecting retries (error-bodies.int.test.ts)', () => {
    expect(spec.targets.apps).toBeUndefined();
  });

  it('gives every component a target with a timeout and a circuit breaker on its outbound calls', () => {
    const names = componentNames();
    expect(names.length).toBeGreaterThan(5);
    for (const name of names) {
      const outbound = spec.targets.components[name]?.outbound;
      expect(outbound?.timeout, name).toBeDefined();
      if (!['configstore', 'secretstore'].includes(name)) expect(outbound?.circuitBreaker, name).toBeDefined();
    }
  });

  it('never retries state writes (ETags: a landed write retried reads as a conflict) nor email (a duplicate)', () => {
    for (const name of ['statestore', 'cache', 'smtp']) {
      expect(spec.targets.components[name]?.outbound?.retry, name).toBeUndefined();
    }
  });

  it('refers only to policies it defines', () => {
    const targets = [
      ...Object.values(spec.targets.actors),
      ...Object.values(spec.targets.components).flatMap((c) => [c.inbound, c.outbound]),
    ].filter((t): t is Target => t !== undefined);
    for (const t of targets) {
      if (t.timeout) expect(spec.policies.timeouts).toHaveProperty(t.timeout);
      if (t.retry) expect(spec.policies.retries).toHaveProperty(t.retry);
      if (t.circuitBreaker) expect(spec.policies.circuitBreakers).toHaveProperty(t.circuitBreaker);
    }
  });

  it('has a row in docs/resiliency.md for every policy', () => {
    const doc = readFileSync(join(root, 'docs', 'resiliency.md'), 'utf8');
    const { timeouts, retries, circuitBreakers } = spec.policies;
    for (const name of [...Object.keys(timeouts), ...Object.keys(retries), ...Object.keys(circuitBreakers)]) {
      expect(doc, name).toContain(`\`${name}\``);
    }
  });
});
