// `npm run build`: every workspace's `tsc -p`, as many at once as there are cores, each as soon as the
// workspaces it imports are built, and none whose inputs are unchanged since its last build.
// One `npm run build --workspaces` ran 17 npm + tsc processes one after another: 11-18 s even when
// nothing had changed, most of a warm `npm start`.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = join(root, 'node_modules', '.bin', 'tsc');
const STAMP = '.build-stamp';
const force = process.argv.includes('--force');

const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const projects = new Map(
  rootPkg.workspaces.map((dir) => {
    const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
    const deps = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.peerDependencies });
    return [pkg.name, { dir, pkg, deps }];
  }),
);
for (const p of projects.values()) p.deps = p.deps.filter((d) => projects.has(d));

// A workspace builds with `tsc -p tsconfig.json` unless its package.json names other steps
// (`dbcarts.build`: commands from node_modules/.bin, run in order) and the files they read
// (`dbcarts.buildInputs`, a file-name pattern): the storefront is type-checked, then bundled by Vite.
const TSC_INPUTS = /\.(ts|mts|cts|json)$/;
const stepsOf = (p) => p.pkg.dbcarts?.build ?? [['tsc', '-p', 'tsconfig.json']];
const inputsOf = (p) => (p.pkg.dbcarts?.buildInputs ? new RegExp(p.pkg.dbcarts.buildInputs) : TSC_INPUTS);

/** Path, size and mtime of every file tsc reads from this project (dist and node_modules aside). */
function listInputs(dir, pattern = TSC_INPUTS, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) listInputs(path, pattern, out);
    else if (pattern.test(entry.name)) {
      const s = statSync(path);
      out.push(`${path}:${s.size}:${s.mtimeMs}`);
    }
  }
  return out;
}

const compilerStamp = [
  readFileSync(join(root, 'tsconfig.base.json'), 'utf8'),
  JSON.parse(readFileSync(join(root, 'node_modules', 'typescript', 'package.json'), 'utf8')).version,
].join('\n');

const stamps = new Map();
/** What this build of a project depends on: its own inputs and its dependencies' stamps. */
function stampOf(name) {
  const p = projects.get(name);
  const hash = createHash('sha256').update(compilerStamp);
  for (const line of listInputs(join(root, p.dir), inputsOf(p)).sort()) hash.update(line);
  for (const dep of p.deps.sort()) hash.update(`${dep}=${stamps.get(dep)}`);
  return hash.digest('hex');
}

function step(p, [cmd, ...args]) {
  return new Promise((resolve, reject) => {
    const local = join(root, p.dir, 'node_modules', '.bin', cmd);
    const bin =
      cmd === 'tsc'
        ? tsc
        : cmd === 'node'
          ? process.execPath
          : existsSync(local)
            ? local
            : join(root, 'node_modules', '.bin', cmd);
    const child = spawn(bin, args, { cwd: join(root, p.dir), stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} failed in ${p.dir} (exit ${code})`)),
    );
  });
}

async function run(p) {
  for (const s of stepsOf(p)) await step(p, s);
}

const started = Date.now();
const pending = new Set(projects.keys());
const running = new Map();
let built = 0;
let failure;
const limit = Math.max(1, availableParallelism());

while ((pending.size || running.size) && !failure) {
  for (const name of [...pending]) {
    if (running.size >= limit) break;
    const p = projects.get(name);
    if (p.deps.some((d) => pending.has(d) || running.has(d))) continue;
    pending.delete(name);
    const stamp = stampOf(name);
    const stampFile = join(root, p.dir, 'dist', STAMP);
    if (!force && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
      stamps.set(name, stamp);
      continue;
    }
    const job = run(p).then(
      () => {
        writeFileSync(stampFile, stamp);
        stamps.set(name, stamp);
        built++;
        running.delete(name);
      },
      (err) => {
        failure = err;
        running.delete(name);
      },
    );
    running.set(name, job);
  }
  if (running.size) await Promise.race(running.values());
  else if (pending.size && [...pending].every((n) => projects.get(n).deps.some((d) => pending.has(d)))) {
    failure = new Error(`workspace dependency cycle among ${[...pending].join(', ')}`);
  }
}
await Promise.allSettled(running.values());
if (failure) {
  console.error(`[build] ${failure.message}`);
  process.exit(1);
}
console.log(`[build] ${built} of ${projects.size} workspaces compiled, ${((Date.now() - started) / 1000).toFixed(1)} s`);
