// Footprint of the local platform (issue 10: ≤ 2 GiB RSS idle, warm start ready in ≤ 20 s).
//
//   node scripts/footprint.mjs              starts `node scripts/start.mjs`, times it to "ready" (the gateway
//                                           line), waits until idle, prints RSS per process and the sum, stops it
//   node scripts/footprint.mjs --npm        the same through `npm start` (its build steps included in the time)
//   node scripts/footprint.mjs --attach [PID]   measures a platform already running (start.mjs PID, found if omitted)
//
// Options: --settle=SECONDS idle wait after ready (20), --samples=N RSS samples 2 s apart (5; the median is
// reported), --json (one JSON line at the end as well). Environment passes through (GATEWAY_PORT, MAILPIT_*...).
// Counted: every process the launcher started (services, daprd, placement, scheduler, Mailpit); the launcher
// itself (npm, sh, start.mjs) is shown apart. RSS counts pages shared between processes once per process (the
// seven daprd share their text); PSS splits shared pages between them, so the PSS sum is the real total.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const hit = args.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (!hit) return dflt;
  return hit.includes('=') ? hit.slice(hit.indexOf('=') + 1) : true;
};
const settleS = Number(opt('settle', 20));
const samples = Number(opt('samples', 5));
const MiB = 1024 * 1024;

const read = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // the process ended meanwhile
  }
};
const cmdline = (pid) => (read(`/proc/${pid}/cmdline`) ?? '').split('\0').filter(Boolean);
/** A node process running scripts/start.mjs (not the `sh -c "... node scripts/start.mjs"` npm puts around it). */
const isLauncher = (argv) => /node$/.test(basename(argv[0] ?? '')) && argv.some((a) => a.endsWith('scripts/start.mjs'));

/** pid → children, from /proc/<pid>/stat (field 4 is the parent). */
function childrenMap() {
  const map = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const stat = read(`/proc/${d}/stat`);
    if (!stat) continue;
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!map.has(ppid)) map.set(ppid, []);
    map.get(ppid).push(Number(d));
  }
  return map;
}

function descendants(pid) {
  const map = childrenMap();
  const out = [];
  const walk = (p) => {
    for (const c of map.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

/** kB fields of /proc/<pid>/status (VmRSS) and smaps_rollup (Pss). */
function memory(pid) {
  const status = read(`/proc/${pid}/status`) ?? '';
  const rollup = read(`/proc/${pid}/smaps_rollup`) ?? '';
  const kb = (text, field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
  return { rss: kb(status, 'VmRSS'), pss: kb(rollup, 'Pss') };
}

/** A name for a process of the platform, or undefined for the launcher (npm, sh, start.mjs). */
function classify(pid) {
  const argv = cmdline(pid);
  const exe = basename(argv[0] ?? '');
  const appId = argv[argv.indexOf('--app-id') + 1];
  if (exe === 'daprd') return { name: `daprd ${appId}`, kind: 'sidecar' };
  if (exe === 'placement' || exe === 'scheduler') return { name: exe, kind: 'control plane' };
  if (exe === 'mailpit') return { name: 'mailpit', kind: 'mail' };
  const main = argv.find((a) => /services\/[^/]+\/dist\/src\/main\.js$/.test(a));
  if (main) return { name: main.split('/').at(-4), kind: 'node service' };
  const script = argv.slice(1).find((a) => !a.startsWith('-'));
  return { name: `${exe}${script ? ` ${basename(script)}` : ''}`.slice(0, 23), kind: 'launcher' };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(launcherPid) {
  const runs = [];
  for (let i = 0; i < samples; i++) {
    if (i) await new Promise((r) => setTimeout(r, 2000));
    const snap = new Map();
    for (const pid of descendants(launcherPid)) snap.set(pid, memory(pid));
    snap.set(launcherPid, memory(launcherPid));
    runs.push(snap);
  }
  const rows = [];
  for (const pid of runs.at(-1).keys()) {
    const c = classify(pid);
    const rss = median(runs.map((s) => s.get(pid)?.rss ?? 0));
    const pss = median(runs.map((s) => s.get(pid)?.pss ?? 0));
    rows.push({ pid, ...c, rss, pss });
  }
  const order = ['node service', 'sidecar', 'control plane', 'mail', 'launcher'];
  rows.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || a.name.localeCompare(b.name));
  return rows;
}

function print(rows, readyMs) {
  const f = (b) => (b / MiB).toFixed(1).padStart(8);
  console.log(`\n${'process'.padEnd(24)}${'pid'.padStart(8)}${'RSS MiB'.padStart(10)}${'PSS MiB'.padStart(10)}`);
  const platform = rows.filter((r) => r.kind !== 'launcher');
  let kind;
  for (const r of rows) {
    if (r.kind !== kind && r.kind === 'launcher') console.log('  (launcher: not part of the platform)');
    kind = r.kind;
    console.log(`${r.name.padEnd(24)}${String(r.pid).padStart(8)}  ${f(r.rss)}  ${f(r.pss)}`);
  }
  const sum = (rs, k) => rs.reduce((s, r) => s + r[k], 0);
  const byKind = {};
  for (const r of platform) byKind[r.kind] = (byKind[r.kind] ?? 0) + r.rss;
  console.log('-'.repeat(52));
  for (const [k, v] of Object.entries(byKind)) console.log(`${`  ${k}s`.padEnd(32)}  ${f(v)}`);
  console.log(
    `${`platform total (${platform.length})`.padEnd(32)}  ${f(sum(platform, 'rss'))}  ${f(sum(platform, 'pss'))}   (limit 2048 MiB RSS)`,
  );
  if (readyMs !== undefined) console.log(`ready after ${(readyMs / 1000).toFixed(1)} s (limit 20 s)`);
  if (opt('json', false)) {
    console.log(
      JSON.stringify({
        readyMs,
        rssMiB: +(sum(platform, 'rss') / MiB).toFixed(1),
        pssMiB: +(sum(platform, 'pss') / MiB).toFixed(1),
        processes: Object.fromEntries(platform.map((r) => [r.name, +(r.rss / MiB).toFixed(1)])),
      }),
    );
  }
}

function findLauncher() {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const argv = cmdline(d);
    if (!isLauncher(argv)) continue;
    const script = argv.find((a) => a.endsWith('scripts/start.mjs'));
    let cwd;
    try {
      cwd = readlinkSync(`/proc/${d}/cwd`);
    } catch {
      continue; // not ours to read, or gone
    }
    if (script === join(root, 'scripts/start.mjs') || (cwd === root && !script.startsWith('/'))) return Number(d);
  }
  return undefined;
}

async function attach() {
  const pid = typeof opt('attach') === 'string' ? Number(opt('attach')) : (args[args.indexOf('--attach') + 1] ?? '');
  const launcher = Number(pid) || findLauncher();
  if (!launcher) throw new Error('no running scripts/start.mjs found; give its pid: --attach PID');
  print(await measure(launcher));
}

async function run() {
  const node = existsSync(join(root, 'node_modules/.bin/node'))
    ? join(root, 'node_modules/.bin/node')
    : process.execPath;
  const [cmd, cmdArgs] = opt('npm', false) ? ['npm', ['start']] : [node, [join(root, 'scripts/start.mjs')]];
  const t0 = Date.now();
  const child = spawn(cmd, cmdArgs, { cwd: root, env: process.env, stdio: ['ignore', 'pipe', 'inherit'] });
  let readyMs;
  const ready = new Promise((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d) => {
      process.stdout.write(d);
      buf += d;
      if (readyMs === undefined && /\[dbcarts\] gateway: /.test(buf)) {
        readyMs = Date.now() - t0;
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`${cmd} exited (${code}) before ready`)));
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return; // it ended on its own (a failed start)
    // start.mjs stops everything it started on SIGINT/SIGTERM; with npm in between, signal start.mjs itself.
    const target = [child.pid, ...descendants(child.pid)].find((p) => isLauncher(cmdline(p)));
    process.kill(target ?? child.pid, 'SIGINT');
    await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  try {
    await ready;
    console.log(`[footprint] ready after ${(readyMs / 1000).toFixed(1)} s; idle ${settleS} s before measuring...`);
    await new Promise((r) => setTimeout(r, settleS * 1000));
    print(await measure(child.pid), readyMs);
  } finally {
    await stop();
  }
}

(opt('attach', false) ? attach() : run()).catch((err) => {
  console.error(`[footprint] ${err.message}`);
  process.exit(1);
});
