// CPU time of every process of a bench run, from /proc: this process's descendants by role (service,
// sidecar by app id, load generator) and the machine's shared servers (MariaDB, Redis, RabbitMQ), so a
// bench can say how many ms of CPU one unit of work cost in each process. No baseline of its own: each
// bench using it measures its same-run baseline with it too (flash-drop: express + jose + Lua; checkout:
// the monolith; hop-floor: the request without sidecars).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const SHARED = { mariadbd: 'mariadb (shared)', mysqld: 'mariadb (shared)', 'redis-server': 'redis (shared)' };
/** Ticks so far per label; `labels` names processes by their command line (e.g. a load generator). */
export function cpuSnapshot(labels = {}) {
  const procs = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      procs.set(Number(d), { comm, ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) });
    } catch {}
  }
  const ours = new Set([process.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, p] of procs)
      if (!ours.has(pid) && ours.has(p.ppid)) {
        ours.add(pid);
        grew = true;
      }
  }
  const by = {};
  const add = (label, t) => {
    by[label] = (by[label] ?? 0) + t;
  };
  for (const [pid, p] of procs) {
    if (ours.has(pid)) {
      let cmd = '';
      try {
        cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      } catch {}
      const svc = cmd.match(/services\/([a-z]+)\/dist/)?.[1];
      const app = cmd.match(/--app-id (\S+)/)?.[1];
      const labelled = Object.entries(labels).find(([marker]) => cmd.includes(marker))?.[1];
      if (pid === process.pid) add('bench (parent)', p.ticks);
      else if (labelled) add(labelled, p.ticks);
      else if (svc) add(svc, p.ticks);
      else if (p.comm === 'daprd' && app) add(`daprd:${app}`, p.ticks);
      else add(p.comm, p.ticks);
    } else if (SHARED[p.comm]) add(SHARED[p.comm], p.ticks);
    else if (p.comm === 'beam.smp') add('rabbitmq (shared)', p.ticks);
  }
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = cpu[3] + cpu[4];
  const total = cpu.reduce((a, b) => a + b, 0);
  return { by, busy: total - idle, total };
}
/** ms of CPU per label over a window (100 ticks/s), and what the rest of the machine used meanwhile. */
export function cpuDelta(a, b) {
  const ms = {};
  let accounted = 0;
  for (const [k, v] of Object.entries(b.by)) {
    const d = (v - (a.by[k] ?? 0)) * 10;
    if (d > 0) {
      ms[k] = d;
      accounted += d;
    }
  }
  const busy = (b.busy - a.busy) * 10;
  return { ms, busyMs: busy, wallCpuMs: (b.total - a.total) * 10, othersMs: Math.max(0, busy - accounted) };
}
export function cpuSummary(delta, orders, top = 8, unit = 'order') {
  const per = Object.entries(delta.ms)
    .sort((x, y) => y[1] - x[1])
    .slice(0, top)
    .map(([k, v]) => `${k} ${(v / Math.max(1, orders)).toFixed(2)}`);
  const util = ((100 * delta.busyMs) / Math.max(1, delta.wallCpuMs)).toFixed(0);
  return `machine ${util}% busy (other users' processes ${((100 * delta.othersMs) / Math.max(1, delta.wallCpuMs)).toFixed(0)}%); CPU ms/${unit}: ${per.join(', ')}`;
}

/** The pid listening on a port (e.g. the gateway instance under load). */
export function listenerPid(port) {
  const out = execFileSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8' });
  const pid = /pid=(\d+)/.exec(out)?.[1];
  if (!pid) throw new Error(`no listener on ${port}`);
  return Number(pid);
}

/** CPU time (user + system, ms) a process has used: /proc/<pid>/stat, in clock ticks of 10 ms. */
export function processCpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * A Node process's CPU time (ms) by thread: `main` (the event loop: JavaScript, HTTP parsing), `pool`
 * (libuv's threads: Web Crypto such as ES256 verification, file and DNS work), `gc` (V8's helper
 * threads) and `other`. Says which of them a unit of work saturates.
 */
export function threadCpuMs(pid) {
  const out = { main: 0, pool: 0, gc: 0, other: 0 };
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const f = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ');
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const kind =
        Number(tid) === pid ? 'main' : name === 'libuv-worker' ? 'pool' : name === 'V8Worker' ? 'gc' : 'other';
      out[kind] += (Number(f[11]) + Number(f[12])) * 10;
    } catch {}
  }
  return out;
}
