// Helpers of deploy-overlays.test.ts: an index over the resources one overlay renders, the references
// between them, schema validation, and the gateway's per-environment settings.

// biome-ignore lint/suspicious/noExplicitAny: rendered manifests are inspected field by field
export type Doc = Record<string, any>;

interface Pod {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: Doc;
  containers: Doc[];
}

export interface SecretRef {
  from: string;
  name: string;
  key: string;
}

export type Manifests = ReturnType<typeof manifests>;

export function manifests(docs: Doc[]) {
  const id = (d: Doc) => `${d.kind}/${d.metadata?.name}`;
  const of = (kind: string) => docs.filter((d) => d.kind === kind);
  const named = (kind: string, name: string | undefined) =>
    docs.find((d) => d.kind === kind && d.metadata?.name === name);
  const daprDeployments = of('Deployment').filter((d) => d.spec.template.metadata?.annotations?.['dapr.io/app-id']);
  const appIds = daprDeployments.map((d) => d.spec.template.metadata.annotations['dapr.io/app-id'] as string);

  function podOf(app: string): Pod {
    const d = daprDeployments.find((x) => x.spec.template.metadata.annotations['dapr.io/app-id'] === app);
    if (!d) throw new Error(`no Deployment with dapr.io/app-id ${app}`);
    const t = d.spec.template;
    return {
      labels: t.metadata.labels ?? {},
      annotations: t.metadata.annotations,
      spec: t.spec,
      containers: t.spec.containers,
    };
  }

  /** A Service/PDB-style selector (a plain label map): every pair present on the pod. */
  const selects = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
    !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

  /** A LabelSelector (matchLabels and matchExpressions In/NotIn/Exists/DoesNotExist); empty selects all. */
  function matchesSelector(selector: Doc | undefined, labels: Record<string, string>): boolean {
    if (!selector) return false;
    const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
    const byExpressions = (selector.matchExpressions ?? []).every((e: Doc) => {
      const has = e.key in labels;
      if (e.operator === 'In') return has && e.values.includes(labels[e.key]);
      if (e.operator === 'NotIn') return !has || !e.values.includes(labels[e.key]);
      if (e.operator === 'Exists') return has;
      return !has;
    });
    return byLabels && byExpressions;
  }

  /** Every Secret name/key something in the overlay reads. */
  function secretRefs(): SecretRef[] {
    const refs: SecretRef[] = [];
    for (const d of daprDeployments) {
      const t = d.spec.template;
      const token = t.metadata.annotations['dapr.io/app-token-secret'];
      if (token) refs.push({ from: `${id(d)} dapr.io/app-token-secret`, name: token, key: 'token' });
      for (const c of t.spec.containers)
        for (const e of c.env ?? [])
          if (e.valueFrom?.secretKeyRef) refs.push({ from: `${id(d)} ${e.name}`, ...pick(e.valueFrom.secretKeyRef) });
    }
    for (const c of of('Component'))
      for (const m of c.spec.metadata ?? [])
        if (m.secretKeyRef) refs.push({ from: `${id(c)} ${m.name}`, ...pick(m.secretKeyRef) });
    for (const t of of('TriggerAuthentication'))
      for (const r of t.spec.secretTargetRef ?? []) refs.push({ from: `${id(t)} ${r.parameter}`, ...pick(r) });
    return refs;
  }
  const pick = (r: Doc) => ({ name: r.name as string, key: r.key as string });

  /** Keys of a Secret the overlay creates: a Secret (generated) or an ExternalSecret's target. */
  function secretKeys(name: string): Set<string> | undefined {
    const secret = named('Secret', name);
    if (secret) return new Set([...Object.keys(secret.data ?? {}), ...Object.keys(secret.stringData ?? {})]);
    const external = of('ExternalSecret').find((e) => (e.spec.target?.name ?? e.metadata.name) === name);
    return external ? new Set(external.spec.data.map((x: Doc) => x.secretKey as string)) : undefined;
  }

  /** Whether RBAC lets a ServiceAccount of this namespace get a Secret. */
  function rbacCanGet(serviceAccount: string, secret: string): boolean {
    return of('RoleBinding')
      .filter((b) => b.subjects?.some((s: Doc) => s.kind === 'ServiceAccount' && s.name === serviceAccount))
      .map((b) => named(b.roleRef.kind, b.roleRef.name))
      .some((role) =>
        role?.rules.some(
          (r: Doc) =>
            r.resources.includes('secrets') &&
            r.verbs.some((v: string) => v === 'get' || v === '*') &&
            (!r.resourceNames || r.resourceNames.includes(secret)),
        ),
      );
  }

  return { docs, id, of, named, appIds, podOf, selects, matchesSelector, secretRefs, secretKeys, rbacCanGet };
}

/** Where the models of a group live; Dapr publishes none (its kinds are checked by the component tests). */
const modelPackages: Record<string, string> = {
  'argoproj.io': '@kubernetes-models/argo-rollouts/argoproj.io',
  'keda.sh': '@kubernetes-models/keda/keda.sh',
  'external-secrets.io': '@kubernetes-models/external-secrets/external-secrets.io',
};
const daprKinds = ['Component', 'Configuration', 'Resiliency'];

/** null when the resource validates against its schema, else what is wrong. */
export async function validateSchema(doc: Doc): Promise<string | null> {
  const [group, version] = doc.apiVersion.includes('/') ? doc.apiVersion.split('/') : ['', doc.apiVersion];
  if (group === 'dapr.io')
    return version === 'v1alpha1' && daprKinds.includes(doc.kind) && doc.metadata?.name ? null : 'not a Dapr resource';
  const base = modelPackages[group] ?? (group ? `kubernetes-models/${group}` : 'kubernetes-models');
  let models: Record<string, new (d: Doc) => { validate(): void }>;
  try {
    models = await import(`${base}/${version}`);
  } catch {
    return `no schema for ${doc.apiVersion}`;
  }
  const Model = models[doc.kind];
  if (!Model) return `no schema for ${doc.apiVersion} ${doc.kind}`;
  // kustomize wraps a generated Secret's base64 at 70 columns; the API server's decoder skips the line
  // breaks, the schema's `byte` format does not.
  const data = doc.kind === 'Secret' && doc.data;
  const input = data
    ? { ...doc, data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, String(v).replace(/\n/g, '')])) }
    : doc;
  try {
    new Model(input).validate();
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** The gateway's per-environment settings; [] when all three are set and sound. */
export function gatewaySettingProblems(m: Manifests): string[] {
  const envOf = (app: string) =>
    new Map<string, Doc>((m.podOf(app).containers.find((c) => c.name === app)?.env ?? []).map((e: Doc) => [e.name, e]));
  const gateway = envOf('gateway');
  const problems: string[] = [];
  for (const name of ['TRUST_PROXY', 'REDIS_URL', 'ISSUER']) {
    const e = gateway.get(name);
    if (!e || (!e.valueFrom && !e.value)) problems.push(`gateway: ${name} is not set`);
  }
  if (gateway.get('TRUST_PROXY')?.value === 'true')
    problems.push('gateway: TRUST_PROXY=true trusts any client’s X-Forwarded-For');
  const issuer = gateway.get('ISSUER')?.value;
  const usersIssuer = envOf('users').get('ISSUER')?.value;
  if (issuer && issuer !== usersIssuer) problems.push(`gateway ISSUER ${issuer} ≠ users ISSUER ${usersIssuer}`);
  return problems;
}
