import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { type Doc, gatewaySettingProblems, type Manifests, manifests, validateSchema } from './deploy-overlays.checks';

// What `kubectl apply -k deploy/k8s/overlays/<env>` would send, built by the real kustomize
// (scripts/build-kustomize.sh: v5.7.1 from the Go module proxy into .dapr/bin, a few minutes cold,
// skipped when present) and checked offline: every resource against its schema, and the references
// between resources that no schema sees.

const root = join(__dirname, '..', '..');
const kustomize = join(root, '.dapr', 'bin', 'kustomize');
const overlays = ['dev', 'prod'] as const;
const built = new Map<string, Manifests>();

beforeAll(() => {
  execFileSync('bash', [join(root, 'scripts', 'build-kustomize.sh')], { stdio: 'inherit', timeout: 900_000 });
  for (const env of overlays) {
    const out = execFileSync(kustomize, ['build', join(root, 'deploy', 'k8s', 'overlays', env)], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    const docs = parseAllDocuments(out).map((d) => d.toJS() as Doc);
    built.set(env, manifests(docs));
  }
}, 900_000);

const get = (env: string) => built.get(env) as Manifests;

describe.each(overlays)('overlays/%s built by kustomize', (env) => {
  it('renders every kind the manifests use, and nothing outside the namespace', () => {
    const m = get(env);
    expect(m.docs.length).toBeGreaterThan(50);
    for (const d of m.docs) if (d.kind !== 'Namespace') expect(d.metadata.namespace, m.id(d)).toBe('dbcarts');
  });

  it('validates every resource against its schema (kubernetes-models, Argo Rollouts, KEDA, External Secrets)', async () => {
    const m = get(env);
    const problems: string[] = [];
    for (const d of m.docs) {
      const problem = await validateSchema(d);
      if (problem) problems.push(`${m.id(d)}: ${problem}`);
    }
    expect(problems).toEqual([]);
  });

  it('gives every Dapr app id a Deployment, a Service selecting its pods, a ServiceAccount and a PDB', () => {
    const m = get(env);
    expect(m.appIds.sort()).toEqual([
      'after-sales',
      'catalog',
      'gateway',
      'inventory',
      'notifications',
      'orders',
      'payments',
      'promotions',
      'users',
    ]);
    for (const app of m.appIds) {
      const pod = m.podOf(app);
      expect(
        m.of('Service').some((s) => m.selects(s.spec?.selector, pod.labels)),
        `${app}: Service`,
      ).toBe(true);
      expect(m.named('ServiceAccount', pod.spec.serviceAccountName), `${app}: ServiceAccount`).toBeDefined();
      expect(
        m.of('PodDisruptionBudget').some((p) => m.selects(p.spec?.selector?.matchLabels, pod.labels)),
        `${app}: PodDisruptionBudget`,
      ).toBe(true);
    }
  });

  it('runs every app with the Dapr annotations, probes, resources and spread a cluster needs', () => {
    const m = get(env);
    for (const app of m.appIds) {
      const { annotations: a, spec, containers } = m.podOf(app);
      for (const key of ['app-port', 'app-protocol', 'graceful-shutdown-seconds', 'sidecar-cpu-request'])
        expect(a[`dapr.io/${key}`], `${app}: dapr.io/${key}`).toBeTruthy();
      for (const key of ['sidecar-memory-request', 'sidecar-cpu-limit', 'sidecar-memory-limit'])
        expect(a[`dapr.io/${key}`], `${app}: dapr.io/${key}`).toBeTruthy();
      expect(m.named('Configuration', a['dapr.io/config']), `${app}: Configuration`).toBeDefined();
      const c = containers.find((x) => x.name === app);
      expect(c?.readinessProbe?.httpGet?.path, app).toBe('/readyz');
      expect(c?.livenessProbe?.httpGet?.path, app).toBe('/healthz');
      expect(Object.keys(c?.resources?.requests ?? {}).sort(), app).toEqual(['cpu', 'memory']);
      expect(Object.keys(c?.resources?.limits ?? {}).sort(), app).toEqual(['cpu', 'memory']);
      const keys = (spec.topologySpreadConstraints ?? []).map((t: Doc) => t.topologyKey);
      expect(keys, app).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
    }
  });

  it('scopes every Dapr component to real app ids only', () => {
    const m = get(env);
    for (const c of m.of('Component')) {
      expect(c.scopes?.length, m.id(c)).toBeGreaterThan(0);
      for (const s of c.scopes) expect(m.appIds, m.id(c)).toContain(s);
    }
  });

  it('defines every Secret and key that anything references', () => {
    const m = get(env);
    const missing = m.secretRefs().filter((r) => !m.secretKeys(r.name)?.has(r.key));
    expect(missing.map((r) => `${r.from} → ${r.name}/${r.key}`)).toEqual([]);
  });

  it('lets only users read its signing key and admin password, and only payments its provider keys', () => {
    const m = get(env);
    const readers = (secret: string) =>
      m.appIds.filter((app) => {
        const pod = m.podOf(app);
        const config = m.named('Configuration', pod.annotations['dapr.io/config']);
        const scope = config?.spec?.secrets?.scopes?.find((s: Doc) => s.storeName === 'secretstore');
        const byDapr = scope?.defaultAccess === 'allow' || scope?.allowedSecrets?.includes(secret);
        return byDapr && m.rbacCanGet(pod.spec.serviceAccountName, secret);
      });
    expect(readers('jwt-signing-key')).toEqual(['users']);
    expect(readers('admin-password')).toEqual(['users']);
    expect(readers('stripe-secret-key')).toEqual(['payments']);
    expect(m.named('Component', 'secretstore')?.scopes.sort()).toEqual(['payments', 'users']);
    // A separate app API token per app.
    const tokens = m.appIds.map((app) => m.podOf(app).annotations['dapr.io/app-token-secret']);
    expect(new Set(tokens).size).toBe(m.appIds.length);
  });

  it('keeps the per-app Dapr Configurations equal to dbcarts but for their secret scopes', () => {
    const m = get(env);
    const withoutSecrets = (name: string) => ({ ...m.named('Configuration', name)?.spec, secrets: undefined });
    for (const name of ['dbcarts-users', 'dbcarts-payments'])
      expect(withoutSecrets(name), name).toEqual(withoutSecrets('dbcarts'));
  });

  it('lets every NetworkPolicy select pods, and every in-namespace peer name pods that exist', () => {
    const m = get(env);
    const pods = m.appIds.map((app) => m.podOf(app).labels);
    const policies = m.of('NetworkPolicy');
    expect(policies.some((p) => Object.keys(p.spec.podSelector).length === 0 && p.spec.policyTypes.length === 2)).toBe(
      true,
    );
    for (const p of policies) {
      expect(
        pods.some((l) => m.matchesSelector(p.spec.podSelector, l)),
        m.id(p),
      ).toBe(true);
      const peers = [
        ...(p.spec.ingress ?? []).flatMap((r: Doc) => r.from ?? []),
        ...(p.spec.egress ?? []).flatMap((r: Doc) => r.to ?? []),
      ];
      for (const peer of peers.filter((x: Doc) => x.podSelector && !x.namespaceSelector))
        expect(
          pods.some((l) => m.matchesSelector(peer.podSelector, l)),
          `${m.id(p)} peer`,
        ).toBe(true);
    }
    // Only the gateway admits traffic from outside the namespace (ipBlock or another namespace's pods),
    // Prometheus's scrape ports aside.
    const open = policies.filter((p) =>
      (p.spec.ingress ?? []).some((r: Doc) =>
        (r.from ?? []).some(
          (f: Doc) =>
            f.ipBlock ||
            (f.namespaceSelector &&
              f.namespaceSelector.matchLabels?.['kubernetes.io/metadata.name'] !== 'observability'),
        ),
      ),
    );
    expect(open.map((p) => p.metadata.name)).toEqual(['gateway']);
  });

  it('pins every image to a tag other than latest', () => {
    const m = get(env);
    for (const app of m.appIds)
      for (const c of m.podOf(app).containers) {
        expect(c.image, app).toMatch(/^[^@\s]+:[\w.-]+$/);
        expect(c.image.endsWith(':latest'), c.image).toBe(false);
      }
  });

  it('points every autoscaler at a workload that exists; inventory has none', () => {
    const m = get(env);
    const scalers = [...m.of('HorizontalPodAutoscaler'), ...m.of('ScaledObject')];
    for (const s of scalers)
      expect(m.named(s.spec.scaleTargetRef.kind ?? 'Deployment', s.spec.scaleTargetRef.name), m.id(s)).toBeDefined();
    const scaled = scalers.map((s) => s.spec.scaleTargetRef.name).sort();
    expect(scaled).toEqual(m.appIds.filter((a) => a !== 'inventory').sort());
  });

  it('sets TRUST_PROXY, REDIS_URL and ISSUER on the gateway (ISSUER equal to users’)', () => {
    expect(gatewaySettingProblems(get(env))).toEqual([]);
  });
});

describe('the gateway settings check', () => {
  it.each(['TRUST_PROXY', 'REDIS_URL', 'ISSUER'])('fails an overlay that leaves %s unset', (name) => {
    const m = get('dev');
    const docs = structuredClone(m.docs);
    const gateway = manifests(docs)
      .podOf('gateway')
      .containers.find((c) => c.name === 'gateway');
    gateway.env = gateway.env.filter((e: Doc) => e.name !== name);
    expect(gatewaySettingProblems(manifests(docs))).toEqual([`gateway: ${name} is not set`]);
  });

  it('fails a gateway that trusts every proxy', () => {
    const docs = structuredClone(get('dev').docs);
    const gateway = manifests(docs)
      .podOf('gateway')
      .containers.find((c) => c.name === 'gateway');
    gateway.env.find((e: Doc) => e.name === 'TRUST_PROXY').value = 'true';
    expect(gatewaySettingProblems(manifests(docs))).toEqual([
      'gateway: TRUST_PROXY=true trusts any client’s X-Forwarded-For',
    ]);
  });
});

describe('overlays/prod progressive delivery', () => {
  it('canaries gateway and orders, blue-greens catalog, all behind the analysis, on Deployments that exist', () => {
    const m = get('prod');
    const rollouts = Object.fromEntries(m.of('Rollout').map((r) => [r.metadata.name, r.spec]));
    expect(Object.keys(rollouts).sort()).toEqual(['catalog', 'gateway', 'orders']);
    expect(rollouts.gateway.strategy.canary.analysis.templates[0].templateName).toBe('http-error-rate-p99');
    expect(rollouts.orders.strategy.canary.analysis.templates[0].templateName).toBe('http-error-rate-p99');
    const bg = rollouts.catalog.strategy.blueGreen;
    expect(m.named('Service', bg.activeService)).toBeDefined();
    expect(m.named('Service', bg.previewService)).toBeDefined();
    expect(bg.prePromotionAnalysis.templates[0].templateName).toBe('http-error-rate-p99');
    expect(m.named('AnalysisTemplate', 'http-error-rate-p99')).toBeDefined();
    for (const [name, spec] of Object.entries(rollouts)) {
      const deployment = m.named('Deployment', spec.workloadRef.name);
      expect(deployment?.spec.replicas, name).toBe(0);
    }
  });

  it('measures the metrics the services export (docs/observability.md)', () => {
    const template = get('prod').named('AnalysisTemplate', 'http-error-rate-p99');
    const queries = template?.spec.metrics.map((x: Doc) => x.provider.prometheus.query).join('\n');
    expect(queries).toContain('dbcarts_http_server_requests_total');
    expect(queries).toContain('status_class="5xx"');
    expect(queries).toContain('dbcarts_http_server_request_duration_seconds_bucket');
  });
});
