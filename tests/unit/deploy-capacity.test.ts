import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

// docs/capacity.md plans each autoscaled pod at 0.6 busy core and says how many pods the biggest
// drop it sizes (N = 100,000) needs. An HPA scaling at 70 % of a 100 m request (0.07 core) runs at
// maxReplicas under any real load, and a maxReplicas below the sheet's count caps the drop: these
// checks keep the manifests and the sheet saying the same thing. Change both together.
const PER_POD_CORES = 0.6; // capacity.md, "How many replicas": every pod planned at 60 % of a core
const PEAK_PODS: Record<string, number> = {
  gateway: 13, // (3.41 + 360 × 11.2 ms) / 0.6 = 12.4 → 13
  orders: 9, // app 5.33 / 0.6 → 9
  users: 28, // 16.5 busy cores / 0.6
  payments: 4,
  catalog: 4,
  promotions: 4,
  'after-sales': 2, // not on a drop's path: warranties and support come after delivery
};

// biome-ignore lint/suspicious/noExplicitAny: parsed manifests are inspected field by field
type Doc = Record<string, any>;
const base = join(__dirname, '..', '..', 'deploy', 'k8s', 'base');
const docs: Doc[] = readdirSync(base)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => parseAllDocuments(readFileSync(join(base, f), 'utf8')).map((d) => d.toJS() as Doc))
  .filter(Boolean);
const hpas = docs.filter((d) => d.kind === 'HorizontalPodAutoscaler');
const deployment = (name: string) => docs.find((d) => d.kind === 'Deployment' && d.metadata?.name === name);

/** "600m" → 0.6, "1" → 1 */
const cores = (q: string | number) => (String(q).endsWith('m') ? Number.parseFloat(String(q)) / 1000 : Number(q));

describe('autoscaling agrees with docs/capacity.md', () => {
  it('has the autoscalers the sheet plans for, and no other', () => {
    expect(hpas.map((h) => h.metadata.name).sort()).toEqual(Object.keys(PEAK_PODS).sort());
  });

  it.each(hpas.map((h) => [h.metadata.name, h] as const))(
    '%s scales out at the planned 0.6 core a pod and may reach the peak pod count',
    (name, hpa) => {
      const metric = hpa.spec.metrics.find((m: Doc) => m.type === 'ContainerResource');
      const container = deployment(name)?.spec.template.spec.containers.find(
        (c: Doc) => c.name === metric.containerResource.container,
      );
      const request = cores(container.resources.requests.cpu);
      const target = (request * metric.containerResource.target.averageUtilization) / 100;
      expect(target, `${name}: request ${request} × utilization`).toBeGreaterThanOrEqual(PER_POD_CORES - 0.1);
      expect(target).toBeLessThanOrEqual(PER_POD_CORES + 0.1);
      expect(cores(container.resources.limits.cpu)).toBeGreaterThanOrEqual(target); // reachable under the limit
      expect(hpa.spec.maxReplicas, `${name} maxReplicas`).toBeGreaterThanOrEqual(PEAK_PODS[name] as number);
      expect(hpa.spec.minReplicas).toBeLessThanOrEqual(hpa.spec.maxReplicas);
    },
  );

  it("lets orders' sidecar use a whole core (at 500 m it bound before the app: 59 vs 81 orders/s on two pods)", () => {
    const annotations = deployment('orders')?.spec.template.metadata.annotations;
    expect(cores(annotations['dapr.io/sidecar-cpu-limit'])).toBeGreaterThanOrEqual(1);
  });
});
