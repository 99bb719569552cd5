// bench/identity: does identity hold up at 1M customer accounts? Login, refresh and GET /api/me
// through the gateway against a users service on 1,000,000 seeded accounts, next to the same setup
// on 10,000 accounts in the same run (phases interleaved A-B-B-A so drift hits both alike). Goal:
// login p99 at 1M within 1.5x of 10k. The gateway's login throttle and rate limit are raised for the
// run (LOGIN_ATTEMPTS_PER_IP_PER_MINUTE, RATE_LIMIT_PER_MINUTE): one load generator is one address.
// Every request picks a random account of the whole range, so no cache or hot page flatters 1M.
//   npm run bench:identity [-- --quick]   (--quick: 100,000 accounts instead of 1M)
// The databases persist (dbcarts_bench_identity_*): the seeder resumes, so reruns skip the load.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const mysql = require('mysql2/promise');
const { startStack } = require('@dbcarts/testing');
const usersDist = join(dirname(fileURLToPath(import.meta.url)), '..', 'services', 'users', 'dist', 'src');
const { seededAccountId, seededEmail } = require(join(usersDist, 'app', 'account-seed.plan.js'));
const { ScryptPasswordHasher } = require(join(usersDist, 'infra', 'scrypt-password.hasher.js'));

const QUICK = process.argv.includes('--quick');
const SERVER = process.env.BENCH_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306';
const PASSWORD = 'bench-identity-password-1';
const CONCURRENCY = Number(process.env.IDENTITY_CONCURRENCY ?? 8);
const LOGIN_S = Number(process.env.IDENTITY_SECONDS ?? (QUICK ? 4 : 15));
const SHORT_S = Math.max(2, Math.round(LOGIN_S / 3));
const SIZES = [
  { label: '10k', accounts: 10_000, db: 'dbcarts_bench_identity_10k' },
  QUICK
    ? { label: '100k', accounts: 100_000, db: 'dbcarts_bench_identity_100k' }
    : { label: '1m', accounts: 1_000_000, db: 'dbcarts_bench_identity_1m' },
];
const log = (m) => console.error(`[bench] ${m}`);
const pick = (n) => 1 + Math.floor(Math.random() * n);

function seed(size) {
  const cli = join(usersDist, 'seed-accounts.js');
  const args = [cli, '--count', String(size.accounts), '--db-url', `${SERVER}/${size.db}`, '--password', PASSWORD];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1))) : reject(new Error(`seeder exited ${code}`)),
    );
  });
}

/** The lookups login (by email) and refresh / me (by id) make: one row through a unique index, never a scan. */
async function explain(size) {
  const conn = await mysql.createConnection(`${SERVER}/${size.db}`);
  try {
    const one = async (sql, arg) => {
      const [[plan]] = await conn.query(`EXPLAIN ${sql}`, [arg]);
      const ok = ['const', 'eq_ref'].includes(plan.type) && plan.key && Number(plan.rows) === 1;
      return { ok, text: `type=${plan.type} key=${plan.key} rows=${plan.rows}` };
    };
    const n = pick(size.accounts);
    const [[pool]] = await conn.query('SELECT @@innodb_buffer_pool_size AS b');
    return {
      login: await one('SELECT * FROM users WHERE email = ? LIMIT 1', seededEmail(n)),
      me: await one('SELECT * FROM users WHERE id = ? LIMIT 1', seededAccountId(n)),
      bufferPoolMb: Math.round(Number(pool.b) / 2 ** 20),
    };
  } finally {
    await conn.end();
  }
}

/** A fresh load leaves the database flushing dirty pages for a while: measure after, not during. */
async function settle() {
  const conn = await mysql.createConnection(SERVER);
  try {
    const t0 = performance.now();
    for (;;) {
      const [[dirty]] = await conn.query("SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_dirty'");
      if (Number(dirty.Value) < 1000 || performance.now() - t0 > 120_000) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    log(`database settled after the load in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    await conn.end();
  }
}

async function call(t, method, path, body, token) {
  const res = await fetch(`${t.gw}${path}`, {
    method,
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text();
  return { ok: res.ok, body: json };
}

/** A closed loop of `concurrency` callers for `seconds`; latencies of successes, failures counted. */
async function load(seconds, op, concurrency = CONCURRENCY) {
  const lat = [];
  let errors = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const s = performance.now();
        const ok = await op().catch(() => false);
        if (ok) lat.push(performance.now() - s);
        else errors++;
      }
    }),
  );
  return { lat, errors, ms: performance.now() - t0 };
}

// Sessions the run has opened: refresh tokens (each used once: a reused one revokes its family) and
// access tokens with the account they belong to, so GET /api/me can check it got that account.
const remember = (t, n, pair) => {
  t.tokens.push(pair.refreshToken);
  t.access.push({ n, token: pair.accessToken });
  if (t.access.length > 2000) t.access.splice(0, t.access.length - 2000);
};

const OPS = {
  async login(t) {
    const n = pick(t.accounts);
    const r = await call(t, 'POST', '/api/auth/login', { email: seededEmail(n), password: PASSWORD });
    if (r.ok) remember(t, n, r.body);
    return r.ok;
  },
  async refresh(t) {
    const token = t.tokens.shift();
    if (!token) return false;
    const r = await call(t, 'POST', '/api/auth/refresh', { refreshToken: token });
    if (r.ok) t.tokens.push(r.body.refreshToken);
    return r.ok;
  },
  async me(t) {
    const held = t.access[Math.floor(Math.random() * t.access.length)];
    if (!held) return false;
    const r = await call(t, 'GET', '/api/me', undefined, held.token);
    return r.ok && r.body.email === seededEmail(held.n);
  },
};

const stats = (samples) => {
  const a = [...samples].sort((x, y) => x - y);
  const q = (p) => Number((a[Math.min(a.length - 1, Math.floor(p * a.length))] ?? 0).toFixed(1));
  return { p50: q(0.5), p99: q(0.99) };
};

/**
 * One operation on both sizes for `seconds` each, in short slices ordered A-B-B-A-A-B-B-A...: a stall
 * of the machine (a build next door, a flush in the database) lands on both sizes alike, not on one.
 */
async function phase(targets, name, seconds, sliceSeconds) {
  const acc = targets.map(() => ({ lat: [], errors: 0, ms: 0, sliceP99: [] }));
  const rounds = Math.max(1, Math.round(seconds / (2 * sliceSeconds)));
  for (let k = 0; k < rounds; k++) {
    for (const i of [0, 1, 1, 0]) {
      const r = await load(seconds / (2 * rounds), () => OPS[name](targets[i]));
      acc[i].lat.push(...r.lat);
      acc[i].errors += r.errors;
      acc[i].ms += r.ms;
      acc[i].sliceP99.push(stats(r.lat).p99);
    }
  }
  return acc.map((a, i) => {
    const s = { opsPerS: Number(((a.lat.length * 1000) / a.ms).toFixed(1)), ...stats(a.lat), errors: a.errors };
    log(
      `${name} @ ${targets[i].label}: ${s.opsPerS}/s p50 ${s.p50} ms p99 ${s.p99} ms (${a.lat.length} ok, ${a.errors} errors; p99 per slice ${a.sliceP99.map(Math.round).join(' ')})`,
    );
    return s;
  });
}

/** The KDF alone: ms per hash one at a time, and hashes/s with one per core (scrypt is memory-bound: not cores x). */
async function kdf(cores) {
  const hasher = new ScryptPasswordHasher();
  const stored = await hasher.hash(PASSWORD);
  const times = [];
  for (let i = 0; i < 12; i++) {
    const s = performance.now();
    await hasher.verify(PASSWORD, stored);
    times.push(performance.now() - s);
  }
  const parallel = await load(3, () => hasher.verify(PASSWORD, stored), cores);
  return { ms: stats(times.slice(2)).p50, perSecond: Number(((parallel.lat.length * 1000) / parallel.ms).toFixed(1)) };
}

async function main() {
  const cores = availableParallelism();
  // Measured before and after the load, best kept: anything else on the machine only ever slows it.
  const kdfBefore = await kdf(cores);

  const admin = await mysql.createConnection(SERVER);
  for (const s of SIZES) await admin.query(`CREATE DATABASE IF NOT EXISTS \`${s.db}\``);
  await admin.end();
  const seedStart = performance.now();
  for (const s of SIZES) {
    s.seed = await seed(s);
    log(`${s.label}: ${s.seed.seeded} seeded accounts (${s.seed.written} written now)`);
  }
  const seedS = Number(((performance.now() - seedStart) / 1000).toFixed(1));
  if (SIZES.some((s) => s.seed.written > 0)) await settle();
  const plans = await explain(SIZES[1]);
  log(`EXPLAIN at ${SIZES[1].label}: login by email ${plans.login.text}; me by id ${plans.me.text}`);
  if (!plans.login.ok || !plans.me.ok) throw new Error('a login or me lookup is not a single-row index read');

  log('starting a users service and a gateway (with their sidecars) per database...');
  const stacks = [];
  try {
    for (const s of SIZES)
      stacks.push(
        await startStack({
          apps: ['users', 'gateway'],
          appEnv: {
            users: { DB_URL: `${SERVER}/${s.db}` },
            gateway: { LOGIN_ATTEMPTS_PER_IP_PER_MINUTE: '100000000', RATE_LIMIT_PER_MINUTE: '100000000' },
          },
        }),
      );
    const targets = SIZES.map((s, i) => ({ ...s, gw: stacks[i].appUrl('gateway'), tokens: [], access: [] }));
    for (const t of targets) await load(2, () => OPS.login(t)); // warm up: JIT, pools, connections
    const [loginBase, login] = await phase(targets, 'login', LOGIN_S * 2, 3);
    const [refreshBase, refresh] = await phase(targets, 'refresh', SHORT_S * 2, 1);
    const [meBase, me] = await phase(targets, 'me', SHORT_S * 2, 1);
    const kdfAfter = await kdf(cores);
    const kdfCost = {
      ms: Math.min(kdfBefore.ms, kdfAfter.ms),
      perSecond: Math.max(kdfBefore.perSecond, kdfAfter.perSecond),
    };
    log(`scrypt KDF (the service's hasher): ${kdfCost.ms} ms per hash alone, ${kdfCost.perSecond}/s on ${cores} cores`);

    const big = SIZES[1];
    console.log(
      JSON.stringify({
        scenario: `identity-login-${big.label}-accounts`,
        ops_per_s: login.opsPerS,
        p50_ms: login.p50,
        p99_ms: login.p99,
        baseline: `${SIZES[0].label} accounts (same run, same services, interleaved)`,
        baseline_ops_per_s: loginBase.opsPerS,
        baseline_p50_ms: loginBase.p50,
        baseline_p99_ms: loginBase.p99,
        ratio: Number((login.p99 / loginBase.p99).toFixed(3)),
        login_p99_ratio: Number((login.p99 / loginBase.p99).toFixed(3)),
        login_p99_ratio_goal: 1.5,
        errors: [login, loginBase, refresh, refreshBase, me, meBase].reduce((n, s) => n + s.errors, 0),
        accounts: big.accounts,
        baseline_accounts: SIZES[0].accounts,
        concurrency: CONCURRENCY,
        refresh_p50_ms: refresh.p50,
        refresh_p99_ms: refresh.p99,
        baseline_refresh_p99_ms: refreshBase.p99,
        refresh_ops_per_s: refresh.opsPerS,
        me_p50_ms: me.p50,
        me_p99_ms: me.p99,
        baseline_me_p99_ms: meBase.p99,
        me_ops_per_s: me.opsPerS,
        kdf_ms: kdfCost.ms,
        kdf_hashes_per_s: kdfCost.perSecond,
        cores,
        logins_per_s_per_core: Number((login.opsPerS / cores).toFixed(1)),
        // Logins/s against the KDF alone on every core: near 1 = the KDF is the whole cost of a login.
        login_vs_kdf_ceiling: Number((login.opsPerS / kdfCost.perSecond).toFixed(2)),
        seed_s: seedS,
        seed_written: SIZES.reduce((n, s) => n + s.seed.written, 0),
        explain_login: plans.login.text,
        explain_me: plans.me.text,
        innodb_buffer_pool_mb: plans.bufferPoolMb,
      }),
    );
  } finally {
    for (const s of stacks) await s.stop().catch((e) => log(`stop: ${e.message}`));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
