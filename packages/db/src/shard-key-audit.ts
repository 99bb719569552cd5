import type { DataSource } from 'typeorm';

/**
 * A check that a sharded database's statements carry the shard key, done on the SQL itself: what
 * ShardingSphere-Proxy's `DML_SHARDING_CONDITIONS` auditor refuses (DML on a sharded table without a
 * condition on the sharding column), plus reads without it that nobody meant to scatter. A read may
 * visit every shard on purpose: it says so with a comment `/* broadcast: <reason> *\/` in its SQL,
 * and the reason must be one the caller allows. Used by the orders and payments shard-key tests,
 * which capture every statement of real runs (`captureSql`).
 */
export interface StatementAudit {
  sql: string;
  kind: 'insert' | 'update' | 'delete' | 'select';
  /** The sharded tables the statement names (FROM, JOIN, INTO, UPDATE). */
  tables: string[];
  /** The reason of its broadcast mark, if marked. */
  broadcast?: string;
  /** Why it breaks the rule; undefined when it keeps it. */
  violation?: string;
}

const MARK = /\/\*\s*broadcast:\s*(.*?)\s*\*\//;

/**
 * Audits one statement against the sharded tables: undefined for a statement that touches none of
 * them (transactions, locks, single tables, DDL).
 */
export function auditStatement(
  sql: string,
  sharded: ReadonlySet<string>,
  opts: { column?: string; allowedBroadcasts?: ReadonlySet<string> } = {},
): StatementAudit | undefined {
  const column = opts.column ?? 'customer_id';
  const broadcast = MARK.exec(sql)?.[1];
  // Comments and string literals out, one line, so keywords and names are found by position.
  const text = sql
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/--[^\n]*/g, ' ')
    .replace(/'(?:[^'\\]|\\.)*'/g, "''")
    .replace(/\s+/g, ' ')
    .trim();
  const verb = /^(INSERT|UPDATE|DELETE|SELECT)\b/i.exec(text)?.[1]?.toLowerCase() as StatementAudit['kind'] | undefined;
  if (!verb) return undefined;
  const tables = [
    ...new Set(
      [...text.matchAll(/\b(?:FROM|JOIN|INTO|UPDATE)\s+`?(\w+)`?/gi)]
        .map((m) => m[1] as string)
        .filter((t) => sharded.has(t)),
    ),
  ];
  if (!tables.length) return undefined;
  const audit: StatementAudit = { sql: text, kind: verb, tables, ...(broadcast ? { broadcast } : {}) };
  // A condition on the key: `customer_id = ?` (any alias), or `customer_id IN (...)`.
  const keyed = new RegExp(`\\b(?:\\w+\\.)?${column}\\s*(?:=\\s*\\?|IN\\s*\\()`, 'i').test(
    text.slice(text.search(/\bWHERE\b|\bON\b/i) >>> 0),
  );
  if (verb === 'insert') {
    const columns = /^INSERT\s+(?:IGNORE\s+)?INTO\s+`?\w+`?\s*\(([^)]*)\)/i.exec(text)?.[1] ?? '';
    if (!new RegExp(`\\b${column}\\b`, 'i').test(columns)) audit.violation = `INSERT without ${column} in its columns`;
    // INSERT ... SELECT: the SELECT reads a sharded table too, by the key.
    else if (/\bSELECT\b/i.test(text) && !keyed) audit.violation = `INSERT ... SELECT without ${column} = ?`;
  } else if (!keyed) {
    if (verb !== 'select') audit.violation = `${verb.toUpperCase()} without ${column} = ? (the auditor refuses it)`;
    else if (!broadcast) audit.violation = `SELECT without ${column} = ? and no broadcast mark`;
    else if (opts.allowedBroadcasts && !opts.allowedBroadcasts.has(broadcast))
      audit.violation = `broadcast read not in the allow-list: ${broadcast}`;
  }
  return audit;
}

/**
 * Records every statement the data source runs from now on (the TypeORM logger's hook, which its
 * MySQL driver calls for each query, transactions' included); `stop` ends it.
 */
export function captureSql(ds: DataSource): { statements: string[]; stop: () => void } {
  const logger = ds.logger as { logQuery: (query: string, ...rest: unknown[]) => unknown };
  const original = logger.logQuery;
  const statements: string[] = [];
  logger.logQuery = function (this: unknown, query: string, ...rest: unknown[]) {
    statements.push(query);
    return original.call(this, query, ...rest);
  };
  return {
    statements,
    stop: () => {
      logger.logQuery = original;
    },
  };
}

/** The sharded tables of a ShardingSphere-Proxy config: the keys of its `!SHARDING` rule's `tables`. */
export function shardedTablesOf(configYaml: string): Set<string> {
  const rule = configYaml.slice(configYaml.indexOf('!SHARDING'));
  return new Set([...rule.matchAll(/^\s+(\w+):\s*\n\s+actualDataNodes:/gm)].map((m) => m[1] as string));
}
