import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, type YAMLMap } from 'yaml';

// The ShardingSphere-Proxy configurations (deploy/k8s/sharding) against the schemas the services'
// migrations create: every table placed on purpose, generated keys only where the schema lets the
// database make them, and the files' own account of which tables still lack the shard key kept true.

const root = join(__dirname, '..', '..');
// biome-ignore lint/suspicious/noExplicitAny: the proxy's YAML is inspected field by field
type Doc = Record<string, any>;

/** The SQL of a service's migrations, with the packages/db helpers they call. */
function migrationSql(service: string): string {
  const dir = join(root, 'services', service, 'src', 'infra', 'typeorm', 'migrations');
  let sql = readdirSync(dir)
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
  // The shared tables of packages/db, made by helpers the migrations call.
  const helper = (file: string, table: string) =>
    readFileSync(join(root, 'packages', 'db', 'src', file), 'utf8').replaceAll(/\$\{table\}/g, table);
  const outbox = helper('outbox.ts', 'outbox');
  if (/outbox(TableSql|Migration)\(/.test(sql))
    sql += outbox.slice(0, outbox.indexOf('export function outboxShardKeyMigration'));
  // The shard-key column of the outbox, added by the helper only for the services that run it.
  if (/outboxShardKeyMigration\(/.test(sql)) {
    const column = /outboxShardKeyMigration\([^)]*column: '(\w+)'/.exec(sql)?.[1] ?? 'customer_id';
    sql += outbox.slice(outbox.indexOf('export function outboxShardKeyMigration')).replaceAll(/\$\{column\}/g, column);
  }
  if (/deadLetter(TableSql|Migration)\(/.test(sql)) sql += helper('dead-letters.ts', 'dead_letters');
  return sql;
}

/** Tables and their columns as the migrations leave them (CREATE TABLE plus ALTER TABLE ADD COLUMN). */
function schemaOf(service: string): Map<string, Set<string>> {
  const sql = migrationSql(service);
  const tables = new Map<string, Set<string>>();
  for (const [, name, body] of sql.matchAll(/CREATE TABLE (?:IF NOT EXISTS )?\\?`?(\w+)\\?`? \(([\s\S]*?)\) ENGINE/g)) {
    const cols = body
      .split('\n')
      .map((l) => /^\s*(\w+)\s+[A-Z]/.exec(l)?.[1])
      .filter((c): c is string => !!c && !['KEY', 'PRIMARY', 'UNIQUE', 'CONSTRAINT', 'CHECK'].includes(c));
    tables.set(name, new Set(cols));
  }
  for (const [, name, col] of sql.matchAll(/ALTER TABLE \\?`?(\w+)\\?`? ADD COLUMN (?:IF NOT EXISTS )?(\w+)/g))
    tables.get(name)?.add(col);
  return tables;
}

/** Each table's unique keys (primary and UNIQUE), as column lists, from its CREATE TABLE. */
function uniqueKeysOf(service: string): Map<string, string[][]> {
  const keys = new Map<string, string[][]>();
  const cols = (list: string) => list.split(',').map((c) => c.trim());
  for (const [, name, body] of migrationSql(service).matchAll(
    /CREATE TABLE (?:IF NOT EXISTS )?\\?`?(\w+)\\?`? \(([\s\S]*?)\) ENGINE/g,
  )) {
    const found = [
      ...[...body.matchAll(/^\s*(\w+)\s+[A-Z][^\n]*\bPRIMARY KEY\b/gm)].map((m) => [m[1] as string]),
      ...[...body.matchAll(/(?:PRIMARY KEY|UNIQUE KEY \w+) \(([^)]*)\)/g)].map((m) => cols(m[1] as string)),
    ];
    keys.set(name as string, found);
  }
  return keys;
}

/** ShardingSphere's rule tags (!SHARDING, !SINGLE) parsed as plain maps, remembered by tag. */
function configOf(file: string) {
  const text = readFileSync(join(root, 'deploy', 'k8s', 'sharding', file), 'utf8');
  const customTags = ['SHARDING', 'SINGLE', 'BROADCAST'].map((t) => ({
    tag: `!${t}`,
    collection: 'map' as const,
    resolve: (m: YAMLMap) => Object.assign(m.toJSON() as Doc, { tag: t }),
  }));
  const doc = parse(text, { customTags }) as Doc;
  const rule = (tag: string) => (doc.rules as Doc[]).find((r) => r.tag === tag) as Doc;
  // The header's table "name  customer_id  yes" / "name  NO": what the file says the schema has.
  const claims = new Map(
    [...text.matchAll(/^#\s{3}(\w+)\s+(customer_id\s+yes|NO)/gm)].map(([, t, v]) => [t, v.startsWith('customer_id')]),
  );
  return { doc, sharding: rule('SHARDING'), single: rule('SINGLE'), claims };
}

const cases = [
  { service: 'orders', file: 'config-sharding.yaml' },
  { service: 'payments', file: 'config-sharding-payments.yaml' },
] as const;

describe.each(cases)('deploy/k8s/sharding/$file ($service)', ({ service, file }) => {
  const schema = schemaOf(service);
  const { doc, sharding, single, claims } = configOf(file);
  const sharded = Object.keys(sharding.tables);
  const singles = (single.tables as string[]).map((t) => t.split('.')[1]);

  it('names the service database and places every table of its schema, sharded or single', () => {
    expect(doc.databaseName).toBe(`dbcarts_${service}`);
    expect(schema.size).toBeGreaterThan(3);
    expect([...sharded, ...singles].sort()).toEqual([...schema.keys(), `${service}_migrations`].sort());
  });

  it('shards by customer_id with one HASH_MOD over both data sources, the shard key required on DML', () => {
    expect(Object.keys(doc.dataSources)).toEqual(['ds_0', 'ds_1']);
    expect(sharding.defaultDatabaseStrategy.standard.shardingColumn).toBe('customer_id');
    expect(sharding.shardingAlgorithms[sharding.defaultDatabaseStrategy.standard.shardingAlgorithmName]).toEqual({
      type: 'HASH_MOD',
      props: { 'sharding-count': 2 },
    });
    for (const t of sharded) expect(sharding.tables[t].actualDataNodes, t).toBe(`ds_\${0..1}.${t}`);
    expect(sharding.bindingTables).toEqual([sharded.join(',')]);
    expect(sharding.auditors.sharding_key_required.type).toBe('DML_SHARDING_CONDITIONS');
  });

  it('generates keys only for AUTO_INCREMENT columns (unique across shards instead of per shard)', () => {
    const generated = sharded.filter((t) => sharding.tables[t].keyGenerateStrategy);
    expect(generated.length).toBeGreaterThan(0);
    const sources = readdirSync(join(root, 'services', service, 'src', 'infra', 'typeorm', 'migrations'))
      .map((f) => readFileSync(join(root, 'services', service, 'src', 'infra', 'typeorm', 'migrations', f), 'utf8'))
      .join('\n')
      .concat(readFileSync(join(root, 'packages', 'db', 'src', 'outbox.ts'), 'utf8'));
    for (const t of generated) {
      const col = sharding.tables[t].keyGenerateStrategy.column;
      expect(schema.get(t)?.has(col), `${t}.${col}`).toBe(true);
      expect(sources, `${t}.${col} AUTO_INCREMENT`).toMatch(
        new RegExp(`\\b${col} BIGINT UNSIGNED NOT NULL AUTO_INCREMENT`),
      );
    }
  });

  it("keeps its account of which sharded tables have customer_id equal to the schema's", () => {
    expect([...claims.keys()].sort()).toEqual([...sharded].sort());
    for (const t of sharded) expect(claims.get(t), `${t} has customer_id`).toBe(schema.get(t)?.has('customer_id'));
  });

  it('keeps every unique key unique across shards: it names the customer, the order, or a proxy-made id', () => {
    // Each data source enforces its own unique keys. One is unique overall when every row it could
    // collide with sits on the same shard: rows keyed by the customer or by the order (all of an
    // order's rows carry its customer), or ids the proxy generates (Snowflake, unique everywhere).
    const namesOneShard: Record<string, string> = {
      // The journal key is the step's idempotency key, `<orderId>:<step>`: one order's, one shard.
      'ledger_entries(journal,account)': 'journal names the order',
      // A provider's event always resolves to the same payment (by its reference), so the same shard.
      'webhook_events(provider,event_id)': "the event's payment",
    };
    const keys = uniqueKeysOf(service);
    let checked = 0;
    for (const t of sharded) {
      const orderKey = t === 'orders' ? 'id' : 'order_id';
      const generated = sharding.tables[t].keyGenerateStrategy?.column;
      expect(keys.get(t)?.length, `${t} has a primary key`).toBeGreaterThan(0);
      for (const key of keys.get(t) ?? []) {
        const ok =
          key.includes('customer_id') ||
          key.includes(orderKey) ||
          (key.length === 1 && key[0] === generated) ||
          `${t}(${key.join(',')})` in namesOneShard;
        expect(ok, `${t}(${key.join(', ')})`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(sharded.length);
  });

  it('has the sharding column on every sharded table, and the service relays its outbox by it', () => {
    for (const t of sharded) expect(schema.get(t)?.has('customer_id'), `${t}.customer_id`).toBe(true);
    // The relay deletes published rows per customer_id only when told the column (packages/db outbox.ts).
    const main = readFileSync(join(root, 'services', service, 'src', 'main.ts'), 'utf8');
    if (sharded.includes('outbox')) expect(main).toMatch(/new OutboxRelay\([\s\S]*shardKey: 'customer_id'/);
  });
});

it('shards orders and payments alike, so an order and its payment sit on shards of the same index', () => {
  const [orders, payments] = cases.map((c) => configOf(c.file).sharding);
  expect(payments.shardingAlgorithms.customer_hash).toEqual(orders.shardingAlgorithms.customer_hash);
});
