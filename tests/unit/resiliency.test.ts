import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { shutdownSettings } from '@dbcarts/http';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

// The resiliency spec is read only by daprd: these checks keep its rules (docs/resiliency.md) from
// eroding one edit at a time.
const root = join(__dirname, '..', '..');
const local = readFileSync(join(root, 'components', 'default', 'resiliency.yaml'), 'utf8');
const k8s = readFileSync(join(root, 'deploy', 'k8s', 'base', 'resiliency.yaml'), 'utf8');
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
  files.push(join(root, 'deploy', 'k8s', 'base', 'components.yaml'));
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

describe('shutdown budget of every Deployment in deploy/k8s', () => {
  const k8sDir = join(root, 'deploy', 'k8s', 'base');
  const deployments = readdirSync(k8sDir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => parseAllDocuments(readFileSync(join(k8sDir, f), 'utf8')).map((d) => d.toJS()))
    .filter((d) => d?.kind === 'Deployment');

  it.each(deployments.map((d) => [d.metadata.name, d]))(
    '%s: the app drains, then its sidecar, within terminationGracePeriodSeconds',
    (_name, d) => {
      const pod = d.spec.template;
      const env = Object.fromEntries(
        (pod.spec.containers[0].env ?? []).map((e: { name: string; value?: string }) => [e.name, e.value]),
      );
      const s = shutdownSettings(env);
      const appSeconds = (s.SHUTDOWN_DELAY_MS + s.SHUTDOWN_GRACE_MS + s.SHUTDOWN_FLUSH_MS + 1000) / 1000;
      const block = Number.parseInt(pod.metadata.annotations['dapr.io/block-shutdown-duration'] ?? '0', 10);
      const sidecarGrace = Number(pod.metadata.annotations['dapr.io/graceful-shutdown-seconds'] ?? 5);
      const grace = pod.spec.terminationGracePeriodSeconds ?? 30;
      expect(s.SHUTDOWN_DELAY_MS, 'endpoints need a few seconds to drop the pod').toBeGreaterThanOrEqual(3000);
      expect(block, 'the sidecar serves the app until it has drained').toBeGreaterThanOrEqual(appSeconds);
      expect(block + sidecarGrace).toBeLessThanOrEqual(grace);
    },
  );
});
