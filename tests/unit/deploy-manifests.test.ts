import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

// Deployment descriptors are read only by tools at deploy time (kubectl, the Dapr CLI, Tye, daprd):
// these checks make a broken one fail here, next to the code, instead of in a cluster.

const root = join(__dirname, '..', '..');
const rel = (file: string) => relative(root, file);

type Doc = Record<string, unknown>;

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** Every document of a file, with parse errors and warnings (duplicate keys, bad indentation, tabs...). */
function load(file: string): { docs: Doc[]; problems: string[] } {
  const parsed = parseAllDocuments(readFileSync(file, 'utf8'));
  const problems = parsed.flatMap((d) => [...d.errors, ...d.warnings].map((e) => e.message));
  return { docs: parsed.map((d) => d.toJS() as Doc).filter((d) => d !== null), problems };
}

const docsOf = (files: string[]) => files.flatMap((f) => load(f).docs);

const serviceNames = readdirSync(join(root, 'services'), { withFileTypes: true })
  .filter((e) => e.isDirectory() && existsSync(join(root, 'services', e.name, 'package.json')))
  .map((e) => e.name);

// The kustomize base holds whole resources; the overlays hold patches (checked built, in
// deploy-overlays.test.ts), so only their parsing is checked here.
const k8sDir = join(root, 'deploy', 'k8s', 'base');
const k8sFiles = yamlFilesUnder(k8sDir);
const overlayFiles = yamlFilesUnder(join(root, 'deploy', 'k8s', 'overlays'));
const componentFiles = yamlFilesUnder(join(root, 'components'));
const allFiles = [
  ...k8sFiles,
  ...overlayFiles,
  ...componentFiles,
  join(root, 'dapr.yaml'),
  join(root, 'tye.yaml'),
  join(root, 'dapr', 'config.yaml'),
];

describe('deployment descriptors', () => {
  it('finds the files it checks', () => {
    expect(k8sFiles.length).toBeGreaterThan(5);
    expect(componentFiles.length).toBeGreaterThan(5);
    expect(serviceNames).toEqual(expect.arrayContaining(['inventory', 'catalog', 'gateway']));
  });

  it.each(allFiles.map(rel))('%s parses without errors', (name) => {
    const { docs, problems } = load(join(root, name));
    expect(problems).toEqual([]);
    expect(docs.length).toBeGreaterThan(0);
  });
});

interface Container {
  name: string;
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string }[];
  readinessProbe?: { httpGet?: { path?: string; port?: string | number } };
}
interface Deployment {
  metadata: { name: string };
  spec: { template: { metadata: { annotations?: Record<string, unknown> }; spec: { containers: Container[] } } };
}

describe('deploy/k8s/base', () => {
  const docs = docsOf(k8sFiles);
  const deployments = docs.filter((d) => d.kind === 'Deployment') as unknown as Deployment[];
  const configurations = docs
    .filter((d) => d.kind === 'Configuration' && d.apiVersion === 'dapr.io/v1alpha1')
    .map((d) => (d.metadata as { name: string }).name);

  it('has a Deployment per service', () => {
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual([...serviceNames].sort());
  });

  describe.each(deployments.map((d) => [d.metadata.name, d] as const))('Deployment %s', (_name, deployment) => {
    const annotations = deployment.spec.template.metadata.annotations ?? {};
    const appPort = Number(annotations['dapr.io/app-port']);
    const app = deployment.spec.template.spec.containers.find((c) => c.ports?.some((p) => p.containerPort === appPort));

    it('is Dapr-enabled with string annotations', () => {
      expect(annotations['dapr.io/enabled']).toBe('true');
      // Kubernetes rejects a non-string annotation: an unquoted true or 3101 is the usual slip.
      for (const [key, value] of Object.entries(annotations)) expect(typeof value, key).toBe('string');
    });

    it('has an app id naming a folder under services/', () => {
      expect(serviceNames).toContain(annotations['dapr.io/app-id']);
    });

    it('points dapr.io/config at a Configuration defined here', () => {
      expect(configurations).toContain(annotations['dapr.io/config']);
    });

    it('has a container on dapr.io/app-port, told that port through APP_PORT', () => {
      expect(app, `no container exposes ${annotations['dapr.io/app-port']}`).toBeDefined();
      expect(app?.env?.find((e) => e.name === 'APP_PORT')?.value).toBe(String(appPort));
    });

    it('has a readiness probe on /readyz', () => {
      expect(app?.readinessProbe?.httpGet?.path).toBe('/readyz');
    });
  });

  it('scopes every Dapr component to existing services', () => {
    const components = docs.filter((d) => d.kind === 'Component');
    expect(components.length).toBeGreaterThan(0);
    for (const c of components) for (const scope of (c.scopes as string[]) ?? []) expect(serviceNames).toContain(scope);
  });

  it('lists every manifest in kustomization.yaml, and nothing missing', () => {
    const [kustomization] = load(join(k8sDir, 'kustomization.yaml')).docs;
    const listed = [...((kustomization?.resources as string[]) ?? [])].sort();
    const present = k8sFiles.map((f) => relative(k8sDir, f)).filter((f) => f !== 'kustomization.yaml');
    expect(listed).toEqual(present);
  });
});

interface RunFile {
  common?: { resourcesPaths?: string[]; configFilePath?: string };
  apps: { appID: string; appDirPath: string; appPort?: number; env?: Record<string, string> }[];
}

describe('dapr.yaml (multi-app run)', () => {
  const [runFile] = docsOf([join(root, 'dapr.yaml')]) as unknown as RunFile[];

  it('runs every app from a folder that exists, under a known app id', () => {
    expect(runFile?.apps.length).toBeGreaterThan(0);
    for (const app of runFile?.apps ?? []) {
      expect(existsSync(join(root, app.appDirPath)), app.appDirPath).toBe(true);
      expect(serviceNames).toContain(app.appID);
    }
  });

  it('tells each app the port its sidecar calls it on', () => {
    for (const app of runFile?.apps ?? []) {
      if (app.env?.APP_PORT !== undefined) expect(app.env.APP_PORT, app.appID).toBe(String(app.appPort));
    }
  });

  it('points at resources and a configuration that exist', () => {
    for (const p of [...(runFile?.common?.resourcesPaths ?? []), runFile?.common?.configFilePath ?? '']) {
      expect(existsSync(join(root, p)), p).toBe(true);
    }
  });
});

describe('tye.yaml', () => {
  const [tye] = docsOf([join(root, 'tye.yaml')]) as unknown as {
    services: { name: string; workingDirectory: string }[];
  }[];

  it('runs every service from its own folder (local tools such as Mailpit run beside them)', () => {
    const apps = (tye?.services ?? []).filter((s) => s.workingDirectory);
    expect(apps.map((s) => s.name).sort()).toEqual([...serviceNames].sort());
    for (const s of apps) expect(existsSync(join(root, s.workingDirectory)), s.workingDirectory).toBe(true);
  });
});

describe('components/', () => {
  it.each(componentFiles.map(rel))('%s holds only Dapr resources', (name) => {
    for (const doc of load(join(root, name)).docs) {
      expect(doc.apiVersion).toBe('dapr.io/v1alpha1');
      expect(['Component', 'Resiliency', 'Configuration']).toContain(doc.kind);
    }
  });
});
