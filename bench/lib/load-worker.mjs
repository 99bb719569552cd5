// The load generator in a process of its own (it would otherwise take CPU from the bench's parent and
// share its event loop): `startLoadWorker()` forks this file, which runs one autocannon per request.
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);

/** A child process running autocannon: `run(opts)` resolves with its summary; `stop()` ends it. */
export async function startLoadWorker() {
  const child = fork(SELF, ['--load-worker'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let pending;
  child.on('message', (m) => pending?.resolve(m));
  child.on('exit', (code) => pending?.reject(new Error(`load worker exited ${code}`)));
  const next = () =>
    new Promise((resolve, reject) => {
      pending = { resolve, reject };
    });
  await next();
  return {
    /** { url, connections, duration, headers? } → { total, opsPerS, p50, p99, errors, statuses } */
    run: (opts) => {
      child.send(opts);
      return next();
    },
    stop: () => child.kill(),
  };
}

if (process.argv.includes('--load-worker')) {
  const autocannon = createRequire(import.meta.url)('autocannon');
  process.on('message', ({ url, connections, duration, headers }) => {
    autocannon({ url, connections, duration, headers }, (err, r) => {
      if (err) throw err;
      process.send({
        total: r.requests.total,
        opsPerS: Math.round(r.requests.average),
        p50: r.latency.p50,
        p99: r.latency.p99,
        errors: r.errors + r.timeouts + r.non2xx,
        statuses: Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([k, v]) => [k, v.count])),
      });
    });
  });
  process.send('ready');
}
