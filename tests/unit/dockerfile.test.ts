import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// No Docker daemon here: these checks read the Dockerfile and .dockerignore and hold them to what the
// cluster manifests assume (deploy/k8s: UID 1000, read-only root filesystem, /healthz, one image per
// service) so an edit that breaks one of those fails next to the code.

const root = join(__dirname, '..', '..');
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const dockerignore = readFileSync(join(root, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  from: string;
  name?: string;
  steps: Instruction[];
}

/** Instructions with continuation lines joined and comments dropped, grouped by stage. */
function parseDockerfile(text: string): { globalArgs: Instruction[]; stages: Stage[] } {
  const logical = text
    .split('\n')
    .filter((l) => !l.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const globalArgs: Instruction[] = [];
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, op = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const ins = { op: op.toUpperCase(), args };
    if (ins.op === 'FROM') {
      const [from = '', , name] = args.split(/\s+/);
      stages.push({ from, name, steps: [] });
    } else if (stages.length === 0) globalArgs.push(ins);
    else stages.at(-1)?.steps.push(ins);
  }
  return { globalArgs, stages };
}

const { globalArgs, stages } = parseDockerfile(dockerfile);
const final = stages.at(-1) as Stage;
const finalOps = (op: string) => final.steps.filter((s) => s.op === op).map((s) => s.args);
const services = readdirSync(join(root, 'services')).filter((d) =>
  existsSync(join(root, 'services', d, 'package.json')),
);

describe('Dockerfile', () => {
  it('builds in stages from a Node 24 image', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    const nodeImage = globalArgs.find((a) => a.args.startsWith('NODE_IMAGE='))?.args.split('=')[1] ?? '';
    expect(nodeImage).toMatch(/^node:24[.-]/);
    for (const s of stages) expect([nodeImage, '$' + '{NODE_IMAGE}']).toContain(s.from);
  });

  it('takes the service as a build argument, refusing a build without one', () => {
    for (const s of stages.slice(1)) expect(s.steps.some((i) => i.op === 'ARG' && i.args === 'SERVICE')).toBe(true);
    expect(dockerfile).toMatch(/test -n "\$SERVICE"/);
  });

  it('installs production dependencies only, for the service’s workspaces only', () => {
    const runs = stages.flatMap((s) => s.steps.filter((i) => i.op === 'RUN').map((i) => i.args));
    const prod = runs.find((r) => r.includes('npm ci') && r.includes('--omit=dev'));
    expect(prod).toBeDefined();
    // One -w per workspace of the service's closure (computed from the @dbcarts/* dependencies).
    expect(prod).toMatch(/-w /);
    expect(dockerfile).toMatch(/walk\("services\/" \+ process\.argv\[1\]\)/);
  });

  it('ships only the pruned tree: the final stage copies from `prune` and runs nothing', () => {
    const copies = finalOps('COPY');
    expect(copies.length).toBe(1);
    expect(copies[0]).toMatch(/^--from=prune\b/);
    // No RUN in the final stage: nothing is written to the image's filesystem after the copy.
    expect(finalOps('RUN')).toEqual([]);
  });

  it('runs as a non-root user with NODE_ENV=production', () => {
    const user = finalOps('USER').at(-1) ?? 'root';
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    // deploy/k8s pods set runAsUser 1000: the same UID owns nothing it could write.
    expect(user).toBe('1000:1000');
    expect(finalOps('ENV').join(' ')).toMatch(/\bNODE_ENV=production\b/);
  });

  it('has a HEALTHCHECK on /healthz that needs no tools beyond node', () => {
    const [check] = finalOps('HEALTHCHECK');
    expect(check).toMatch(/CMD \["node"/);
    expect(check).toContain('/healthz');
    expect(check).toMatch(/AbortSignal\.timeout\(\d+\)/);
  });

  it('starts the compiled service the way its package.json does, node as PID 1 (exec)', () => {
    const [cmd] = finalOps('CMD');
    expect(cmd).toContain('exec node services/$SERVICE/dist/src/main.js');
    for (const s of services) {
      const pkg = JSON.parse(readFileSync(join(root, 'services', s, 'package.json'), 'utf8'));
      expect(pkg.scripts?.start, s).toBe('node dist/src/main.js');
    }
  });

  it('copies into the build context only paths that exist', () => {
    for (const args of stages[0]?.steps.filter((i) => i.op === 'COPY').map((i) => i.args) ?? []) {
      for (const src of args.split(/\s+/).slice(0, -1)) expect(existsSync(join(root, src)), src).toBe(true);
    }
  });
});

describe('.dockerignore', () => {
  it('keeps installed modules, build output, local state and secrets out of the build context', () => {
    for (const p of ['**/node_modules', '**/dist', '.git', '.dapr', '.dev', '**/.env', '**/.env.*'])
      expect(dockerignore).toContain(p);
  });

  it('keeps what the build stage copies', () => {
    for (const p of ['packages', 'services', 'package.json', 'package-lock.json', 'scripts', 'tsconfig.base.json'])
      expect(dockerignore).not.toContain(p);
  });
});
