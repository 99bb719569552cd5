// bench/catalog-listing: the catalog's listing SQL at scale. Seeds N products into a throwaway
// MariaDB database (the real migrations, the real seed), runs a representative set of listings
// through TypeormProductRepository.list() and, as the baseline in the same run, the very same SQL
// with every secondary index of `products` ignored. Prints EXPLAIN for each query. Ends with one
// JSON line on stdout; the throwaway database is always dropped.
//   npm run bench:catalog-listing [-- --quick]     (LISTING_PRODUCTS=100000 LISTING_RUNS=30)
//   BENCH_MARIADB_URL=mysql://root@127.0.0.1:3306 (default)
//
// SQL capture: a custom TypeORM logger on the DataSource records what list() sends (the page query
// and the COUNT query of getManyAndCount). EXPLAIN and the baseline run that captured SQL verbatim,
// the baseline with `IGNORE INDEX (<all secondary indexes>)` spliced in after `products`.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'services/catalog/dist/src/infra/typeorm');
const catalogRequire = createRequire(join(dist, 'data-source.js'));
catalogRequire('reflect-metadata'); // entities use emitDecoratorMetadata; main.ts loads it the same way
const { createCatalogDataSource } = require(join(dist, 'data-source.js'));
const { seedCatalog } = require(join(dist, 'catalog.seed.js'));
const { underMigrationLock } = require(join(dist, 'migrate.js'));
const { TypeormProductRepository } = require(join(dist, 'typeorm-product.repository.js'));
const mysql = require('mysql2/promise');

const QUICK = process.argv.includes('--quick');
const PRODUCTS = Number(process.env.LISTING_PRODUCTS ?? (QUICK ? 20_000 : 100_000));
const RUNS = Number(process.env.LISTING_RUNS ?? 30);
const SERVER = (process.env.BENCH_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306').replace(/\/+$/, '');
const DB = `dbcarts_bench_listing_${randomBytes(4).toString('hex')}`;
const log = (m) => console.error(`[bench] ${m}`);

const QUERIES = [
  { name: 'all newest', q: { sort: 'newest', page: 1, pageSize: 20 } },
  { name: 'category electronics price_asc', q: { category: 'electronics', sort: 'price_asc', page: 1, pageSize: 20 } },
  { name: 'category home name', q: { category: 'home', sort: 'name', page: 1, pageSize: 20 } },
  {
    name: 'price 100-200 USD price_desc',
    q: { minPrice: 10_000, maxPrice: 20_000, sort: 'price_desc', page: 1, pageSize: 20 },
  },
  { name: "q='ergonomic' newest", q: { q: 'ergonomic', sort: 'newest', page: 1, pageSize: 20 } },
  { name: "q='shoes' newest", q: { q: 'shoes', sort: 'newest', page: 1, pageSize: 20 } },
  { name: 'category fashion newest page 50', q: { category: 'fashion', sort: 'newest', page: 50, pageSize: 20 } },
];

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
const round = (x, d = 2) => Number(x.toFixed(d));

async function timed(n, fn) {
  await fn(); // warm-up, not recorded
  const ms = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await fn();
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return { p50: pct(ms, 50), p99: pct(ms, 99) };
}

// The captured statement with every secondary index of `products` ignored. InnoDB cannot run MATCH
// without its FULLTEXT index (ER_FT_MATCHING_KEY_NOT_FOUND), so for text queries the baseline is
// what search was before ft_products_text: each `+word*` term becomes (name LIKE '%word%' OR brand
// LIKE '%word%'), a scan. Same matches for these single-word queries up to word-prefix vs substring.
const MATCH = 'MATCH(`p`.`name`, `p`.`brand`) AGAINST (? IN BOOLEAN MODE)';
function withoutIndexes({ sql, params }, ignore) {
  // The page is read in two steps (ids in order, then rows by id); each statement on products gets the hint.
  if (!/FROM `products`/.test(sql)) return { sql, params }; // e.g. the department lookup
  let out = sql.replace(/FROM `products` `(p|ProductEntity)`/, (m) => `${m} ${ignore}`);
  if (out === sql) throw new Error(`could not splice the index hint into: ${sql}`);
  let ps = [...params];
  const at = out.indexOf(MATCH);
  if (at >= 0) {
    const idx = (out.slice(0, at).match(/\?/g) ?? []).length;
    const words = String(ps[idx])
      .split(/\s+/)
      .map((w) => w.replace(/^\+|\*$/g, ''))
      .filter(Boolean);
    const cond = words.map(() => '(`p`.`name` LIKE ? OR `p`.`brand` LIKE ?)').join(' AND ') || 'FALSE';
    out = `${out.slice(0, at)}(${cond})${out.slice(at + MATCH.length)}`;
    ps = [...ps.slice(0, idx), ...words.flatMap((w) => [`%${w}%`, `%${w}%`]), ...ps.slice(idx + 1)];
  }
  return { sql: out, params: ps };
}

let admin;
let ds;
let dropped = false;
async function cleanup() {
  if (ds?.isInitialized) await ds.destroy().catch(() => {});
  if (admin && !dropped) {
    dropped = true;
    await admin.query(`DROP DATABASE IF EXISTS \`${DB}\``);
    log(`dropped ${DB}`);
    await admin.end();
  }
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    log(`${sig}: dropping ${DB}`);
    cleanup().finally(() => process.exit(130));
  });
}

async function main() {
  const started = Date.now();
  admin = await mysql.createConnection(SERVER);
  await admin.query(`CREATE DATABASE \`${DB}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  log(`created ${DB}`);

  // Captures the SQL list() sends; off unless `capture` is an array.
  let capture;
  const logger = {
    logQuery: (query, parameters) => capture?.push({ sql: query, params: parameters ?? [] }),
    logQueryError() {},
    logQuerySlow() {},
    logSchemaBuild() {},
    logMigration() {},
    log() {},
  };
  ds = createCatalogDataSource(`${SERVER}/${DB}`);
  ds.setOptions({ logger });
  await ds.initialize();
  await underMigrationLock(ds, () => ds.runMigrations({ transaction: 'each' }));
  log('migrations applied');

  const t0 = Date.now();
  let next = 0;
  const inserted = await seedCatalog(ds, PRODUCTS, (done) => {
    if (done >= next || done === PRODUCTS) {
      const s = (Date.now() - t0) / 1000;
      log(`seeding ${done.toLocaleString('en')}/${PRODUCTS.toLocaleString('en')} (${Math.round(done / s)} rows/s)`);
      next = done + Math.max(1000, Math.floor(PRODUCTS / 10));
    }
  });
  const seedS = (Date.now() - t0) / 1000;
  log(`seeded ${inserted.toLocaleString('en')} products in ${seedS.toFixed(1)} s`);
  await ds.query('ANALYZE TABLE products');

  const secondary = (
    await ds.query(
      `SELECT DISTINCT INDEX_NAME AS name FROM information_schema.STATISTICS
     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'products' AND INDEX_NAME <> 'PRIMARY'`,
    )
  ).map((r) => r.name);
  const ignore = `IGNORE INDEX (${secondary.map((n) => `\`${n}\``).join(', ')})`;
  log(`baseline hint: ${ignore}`);

  const repo = new TypeormProductRepository(ds);
  const results = [];
  for (const { name, q } of QUERIES) {
    capture = [];
    const page = await repo.list(q);
    const stmts = capture.filter((c) => /^\s*SELECT/i.test(c.sql));
    capture = undefined;
    log(`── ${name}: ${page.total} matches, ${page.items.length} on page ${page.page}`);

    const plans = [];
    for (const [i, s] of stmts.entries()) {
      const kind = /COUNT\(/i.test(s.sql) ? 'count' : 'page';
      const rows = await ds.query(`EXPLAIN ${s.sql}`, s.params);
      for (const r of rows) {
        log(
          `   EXPLAIN ${kind}#${i}: table=${r.table} type=${r.type} key=${r.key ?? 'NULL'} rows=${r.rows} extra=${r.Extra ?? ''}`,
        );
      }
      plans.push({ kind, p: rows.find((r) => r.table === 'p') ?? {} });
    }
    const pagePlan = plans.find((x) => x.kind === 'page')?.p ?? {};
    const countPlan = plans.find((x) => x.kind === 'count')?.p ?? {};

    const indexed = await timed(RUNS, () => repo.list(q));
    // The same SQL without the repository (no hydration): how much of list() is the database.
    const sqlOnly = await timed(RUNS, async () => {
      for (const s of stmts) await ds.query(s.sql, s.params);
    });
    const noIdx = stmts.map((s) => withoutIndexes(s, ignore));
    const baseline = await timed(RUNS, async () => {
      for (const s of noIdx) await ds.query(s.sql, s.params);
    });
    const bplan = (await ds.query(`EXPLAIN ${noIdx[0].sql}`, noIdx[0].params)).find((r) => r.table === 'p') ?? {};
    const bcount = noIdx.find((s) => /COUNT\(/i.test(s.sql));
    if (bcount) {
      const [row] = await ds.query(bcount.sql, bcount.params);
      const n = Number(Object.values(row)[0]);
      log(`   baseline matches ${n}${n === page.total ? ' (same as indexed)' : ` (indexed: ${page.total})`}`);
    }
    log(
      `   list() p50 ${indexed.p50.toFixed(2)} ms p99 ${indexed.p99.toFixed(2)} ms | same SQL raw p50 ${sqlOnly.p50.toFixed(2)} ms` +
        ` | indexes ignored p50 ${baseline.p50.toFixed(2)} ms p99 ${baseline.p99.toFixed(2)} ms (key=${bplan.key ?? 'NULL'} type=${bplan.type})`,
    );
    results.push({
      name,
      p50_ms: round(indexed.p50),
      p99_ms: round(indexed.p99),
      key: pagePlan.key ?? null,
      rows: pagePlan.rows != null ? Number(pagePlan.rows) : null,
      extra: pagePlan.Extra ?? '',
      count_key: countPlan.key ?? null,
      count_rows: countPlan.rows != null ? Number(countPlan.rows) : null,
      total: page.total,
      sql_p50_ms: round(sqlOnly.p50),
      baseline_p50_ms: round(baseline.p50),
      baseline_p99_ms: round(baseline.p99),
    });
  }

  // One pass over the whole set, each query at its p50: listings per second, serially.
  const opsPerS = (1000 * results.length) / results.reduce((a, r) => a + r.p50_ms, 0);
  const baseOpsPerS = (1000 * results.length) / results.reduce((a, r) => a + r.baseline_p50_ms, 0);
  log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s (seed ${seedS.toFixed(1)} s)`);
  console.log(
    JSON.stringify({
      scenario: 'catalog-listing-sql',
      ops_per_s: round(opsPerS, 1),
      p50_ms: Math.max(...results.map((r) => r.p50_ms)),
      p99_ms: Math.max(...results.map((r) => r.p99_ms)),
      baseline: 'same queries ignoring secondary indexes',
      baseline_ops_per_s: round(baseOpsPerS, 1),
      ratio: round(opsPerS / baseOpsPerS, 3),
      errors: 0,
      products: inserted,
      runs: RUNS,
      queries: results,
    }),
  );
}

try {
  await main();
} catch (e) {
  console.error(e);
  process.exitCode = 1;
} finally {
  await cleanup().catch((e) => {
    console.error(`[bench] could not drop ${DB}:`, e);
    process.exitCode = 1;
  });
}
