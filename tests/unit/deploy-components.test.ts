import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

// Every Dapr component a cluster loads is scoped to exactly the apps whose code uses it: one app too
// many loads a component (and its credentials) it never needs, one too few fails at its first call.
// Which app uses what is read from the code itself, so a new `sidecar.publish('pubsub', …)` in
// another service fails this test until the component's scopes name that service.

const root = join(__dirname, '..', '..');
const kustomize = join(root, '.dapr', 'bin', 'kustomize');
const apps = readdirSync(join(root, 'services'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

/**
 * How code shows that it uses a component: the component's name as a string literal (what
 * Sidecar's state, publish, subscribe, binding and secret calls take), or a helper of packages/dapr
 * that names it on the app's behalf.
 */
const usedBy: Record<string, RegExp[]> = {
  // createActorHost: the app hosts actors, whose state lives in the actor state store.
  statestore: [/['"`]statestore['"`]/, /\bcreateActorHost\(/],
  cache: [/['"`]cache['"`]/],
  pubsub: [/['"`]pubsub['"`]/],
  broadcast: [/['"`]broadcast['"`]/],
  // LiveSetting subscribes to the `configstore` configuration store (packages/dapr live-setting.ts).
  configstore: [/['"`]configstore['"`]/, /\bnew LiveSetting\b/],
  secretstore: [/['"`]secretstore['"`]/],
  smtp: [/['"`]smtp['"`]/],
};

function sourcesOf(app: string): string {
  const dir = join(root, 'services', app, 'src');
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
}

const sources = new Map(apps.map((a) => [a, sourcesOf(a)]));
const usersOf = (component: string) =>
  apps.filter((a) => usedBy[component].some((re) => re.test(sources.get(a) as string)));

type Component = {
  kind: string;
  metadata: { name: string };
  spec: { type: string; metadata?: Meta[] };
  scopes?: string[];
};
type Meta = { name: string; value?: string };
const yamlDocs = (text: string) => parseAllDocuments(text).map((d) => d.toJS() as Component);
let prod: Component[] = [];

beforeAll(() => {
  execFileSync('bash', [join(root, 'scripts', 'build-kustomize.sh')], { stdio: 'inherit', timeout: 900_000 });
  const out = execFileSync(kustomize, ['build', join(root, 'deploy', 'k8s', 'overlays', 'prod')], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  prod = yamlDocs(out).filter((d) => d?.kind === 'Component');
}, 900_000);

describe('Dapr components in production', () => {
  it('finds each component in the code of the apps that use it (the table below is what the code says today)', () => {
    // A guard on the derivation itself: if a pattern stopped matching, every scope check would pass vacuously.
    expect(Object.fromEntries(Object.keys(usedBy).map((c) => [c, usersOf(c)]))).toEqual({
      statestore: ['inventory', 'orders', 'users'],
      cache: ['catalog'],
      pubsub: ['after-sales', 'catalog', 'inventory', 'notifications', 'orders', 'payments'],
      broadcast: ['catalog', 'gateway'],
      configstore: ['gateway', 'inventory', 'orders'],
      secretstore: ['payments', 'users'],
      smtp: ['notifications'],
    });
  });

  it('has every component the code uses, of the production kind, and no other', () => {
    const byName = Object.fromEntries(prod.map((c) => [c.metadata.name, c.spec.type]));
    expect(byName).toEqual({
      statestore: 'state.redis',
      pubsub: 'pubsub.kafka',
      secretstore: 'secretstores.kubernetes',
      cache: 'state.redis',
      broadcast: 'pubsub.redis',
      configstore: 'configuration.redis',
      smtp: 'bindings.smtp',
    });
    const actorStore = prod.find((c) => c.metadata.name === 'statestore');
    expect(actorStore?.spec.metadata?.find((m) => m.name === 'actorStateStore')?.value).toBe('true');
  });

  it('scopes each component of overlays/prod to exactly the apps whose code uses it', () => {
    for (const c of prod) expect([...(c.scopes ?? [])].sort(), c.metadata.name).toEqual(usersOf(c.metadata.name));
  });

  it('scopes the alternatives in components/production the same way', () => {
    const dir = join(root, 'components', 'production');
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      for (const c of yamlDocs(readFileSync(join(dir, f), 'utf8'))) {
        expect(usedBy[c.metadata.name], `${f}: a component name the code uses`).toBeDefined();
        expect([...(c.scopes ?? [])].sort(), f).toEqual(usersOf(c.metadata.name));
      }
    }
  });
});
