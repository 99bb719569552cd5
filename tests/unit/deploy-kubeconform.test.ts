import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// kubeconform v0.8.0 (scripts/build-kubeconform.sh) on what kustomize renders, strict: an unknown or
// misspelt field is an error (kubernetes-models in deploy-overlays.test.ts ignores unknown fields).
// Its schemas are generated here, offline, from the Kubernetes OpenAPI document (v1.27) that ships in
// the k8s.io/kube-openapi module kustomize itself is built from (already in the Go module cache), the
// way openapi2jsonschema makes kubeconform's usual ones: one file per kind, references inlined,
// additionalProperties false. The CRD kinds (Argo Rollouts, KEDA, External Secrets) and Dapr's have no
// schema here and are skipped by name: their schemas are checked by kubernetes-models.

const root = join(__dirname, '..', '..');
const bin = join(root, '.dapr', 'bin');
// The version kustomize v5.7.1's go.sum pins (kyaml v0.20.1).
const KUBE_OPENAPI = 'k8s.io/kube-openapi@v0.0.0-20241212222426-2c72e554b1e7';
const SKIPPED = [
  'Component',
  'Configuration',
  'Resiliency',
  'Rollout',
  'AnalysisTemplate',
  'ScaledObject',
  'TriggerAuthentication',
  'ExternalSecret',
];

type Schema = Record<string, unknown>;
const work = mkdtempSync(join(tmpdir(), 'dbcarts-kubeconform-'));
const schemaDir = join(work, 'schemas');

/** One standalone strict JSON schema per kind, named as kubeconform looks them up. */
function generateSchemas(swaggerFile: string): number {
  const defs = JSON.parse(readFileSync(swaggerFile, 'utf8')).definitions as Record<string, Schema>;
  // YAML numbers where the API takes strings too.
  defs['io.k8s.apimachinery.pkg.util.intstr.IntOrString'] = { oneOf: [{ type: 'string' }, { type: 'integer' }] };
  defs['io.k8s.apimachinery.pkg.api.resource.Quantity'] = { oneOf: [{ type: 'string' }, { type: 'number' }] };
  const inline = (s: unknown, seen: string[]): unknown => {
    if (Array.isArray(s)) return s.map((x) => inline(x, seen));
    if (!s || typeof s !== 'object') return s;
    const o = s as Schema;
    if (typeof o.$ref === 'string') {
      const name = o.$ref.replace('#/definitions/', '');
      // Recursive types (JSONSchemaProps) stop at the second visit: anything goes below.
      return seen.includes(name) ? {} : inline(defs[name], [...seen, name]);
    }
    const out: Schema = {};
    for (const [k, v] of Object.entries(o))
      if (k !== 'description') out[k] = k === 'properties' ? props(v, seen) : inline(v, seen);
    if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
    return out;
  };
  const props = (p: unknown, seen: string[]) =>
    Object.fromEntries(Object.entries(p as Schema).map(([k, v]) => [k, inline(v, seen)]));
  mkdirSync(schemaDir, { recursive: true });
  let n = 0;
  for (const [name, def] of Object.entries(defs)) {
    const gvks = def['x-kubernetes-group-version-kind'] as
      | { group: string; version: string; kind: string }[]
      | undefined;
    if (gvks?.length !== 1 || name.endsWith('List')) continue;
    const { group, version, kind } = gvks[0] as { group: string; version: string; kind: string };
    const suffix = `${group ? `-${group.split('.')[0]}` : ''}-${version}`;
    writeFileSync(join(schemaDir, `${kind.toLowerCase()}${suffix}.json`), JSON.stringify(inline(def, [name])));
    n++;
  }
  return n;
}

function kubeconform(file: string) {
  const r = spawnSync(
    join(bin, 'kubeconform'),
    [
      '-strict',
      '-summary',
      '-output',
      'json',
      '-schema-location',
      `${schemaDir}/{{.ResourceKind}}{{.KindSuffix}}.json`,
    ],
    { encoding: 'utf8', input: readFileSync(file, 'utf8'), timeout: 60_000 },
  );
  return {
    status: r.status,
    out: JSON.parse(r.stdout || '{}') as { resources?: Doc[]; summary?: Doc },
    stderr: r.stderr,
  };
}
// biome-ignore lint/suspicious/noExplicitAny: kubeconform's JSON report is inspected field by field
type Doc = Record<string, any>;

let generated = 0;
const rendered: Record<string, string> = {};

beforeAll(() => {
  for (const script of ['build-kustomize.sh', 'build-kubeconform.sh'])
    execFileSync('bash', [join(root, 'scripts', script)], { stdio: 'inherit', timeout: 900_000 });
  // Resolves from the module cache; fetched from the Go module proxy only if kustomize's build did not.
  const { Dir } = JSON.parse(
    execFileSync('go', ['mod', 'download', '-json', KUBE_OPENAPI], { encoding: 'utf8', cwd: tmpdir() }),
  );
  generated = generateSchemas(join(Dir, 'pkg', 'schemaconv', 'testdata', 'swagger.json'));
  for (const env of ['dev', 'prod']) {
    rendered[env] = join(work, `${env}.yaml`);
    const yaml = execFileSync(join(bin, 'kustomize'), ['build', join(root, 'deploy', 'k8s', 'overlays', env)], {
      encoding: 'utf8',
    });
    // Kinds without a schema here are dropped before kubeconform sees them (checked by kubernetes-models).
    const kept = yaml.split(/^---\n/m).filter((d) => !SKIPPED.includes(/^kind: (\S+)$/m.exec(d)?.[1] ?? ''));
    writeFileSync(rendered[env], kept.join('---\n'));
  }
}, 900_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('kubeconform (strict, schemas generated offline)', () => {
  it('generates a schema per built-in kind', () => {
    expect(generated).toBeGreaterThan(60);
    for (const kind of ['deployment-apps-v1', 'service-v1', 'networkpolicy-networking-v1', 'role-rbac-v1'])
      expect(existsSync(join(schemaDir, `${kind}.json`)), kind).toBe(true);
    for (const kind of ['horizontalpodautoscaler-autoscaling-v2', 'poddisruptionbudget-policy-v1', 'secret-v1'])
      expect(existsSync(join(schemaDir, `${kind}.json`)), kind).toBe(true);
  });

  it.each(['dev', 'prod'])('validates every built-in resource of overlays/%s', (env) => {
    const { status, out, stderr } = kubeconform(rendered[env] as string);
    const bad = (out.resources ?? []).filter((r) => r.status !== 'statusValid');
    expect(
      bad.map((r) => `${r.kind}/${r.name}: ${r.status} ${r.msg ?? ''}`),
      stderr,
    ).toEqual([]);
    expect(status).toBe(0);
    expect(out.summary?.valid).toBeGreaterThan(50);
    expect(out.summary?.skipped).toBe(0);
  });

  it('rejects a misspelt field (the schemas are strict)', () => {
    const file = join(work, 'typo.yaml');
    writeFileSync(
      file,
      'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: { name: x }\nspec: { maxUnavailabel: 1, selector: {} }\n',
    );
    const { status, out } = kubeconform(file);
    expect(status).toBe(1);
    expect(out.resources?.[0]?.status).toBe('statusInvalid');
  });
});
