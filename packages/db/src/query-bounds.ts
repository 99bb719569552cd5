import { statementSpan } from '@dbcarts/telemetry';
import type { QueryRunner } from 'typeorm';

/**
 * Bounds on a service's MariaDB pool. mysql2 has none by default: a statement waits as long as the
 * server does (a table lock, a stalled server) and callers queue for a connection without limit, so
 * a stalled database held every request that touched it for as long as the stall lasted.
 */
export interface DatabaseBounds {
  /** A query call, its wait for a pooled connection included, ends within this. */
  queryTimeoutMs: number;
  /** The TCP connect and handshake of a new connection (a server that accepts and never greets). */
  connectTimeoutMs: number;
  poolSize: number;
  /** Callers waiting for a connection beyond this are refused at once instead of queueing. */
  queueLimit: number;
}

/** Under the 8 s request deadline of packages/http, so the answer says the database failed. */
export const DEFAULT_DATABASE_BOUNDS: DatabaseBounds = {
  queryTimeoutMs: 3000,
  connectTimeoutMs: 2000,
  poolSize: 10,
  queueLimit: 50,
};

/**
 * The DataSource options that carry the pool bounds to mysql2 (TypeORM passes `extra` through).
 * `trace: false`: mysql2 otherwise captures a stack trace on every query, commit and rollback just
 * in case one fails — 4-7 % of the orders and payments services' CPU in bench/checkout's profiles.
 * A failed query still says what failed (code, message, SQL state), and Node's async stack traces
 * still show the caller.
 */
export function mysqlPoolOptions(bounds: DatabaseBounds = DEFAULT_DATABASE_BOUNDS) {
  return {
    connectTimeout: bounds.connectTimeoutMs,
    extra: {
      connectionLimit: bounds.poolSize,
      queueLimit: bounds.queueLimit,
      waitForConnections: true,
      trace: false,
    },
  };
}

export interface QueryBoundsOptions {
  queryTimeoutMs: number;
  /** The error callers get when the database cannot answer: the service's DependencyUnavailableError. */
  unavailable: (reason: string) => Error;
}

// biome-ignore lint/suspicious/noExplicitAny: a mixin's base constructor takes any arguments
type DataSourceClass = new (...args: any[]) => { createQueryRunner(...args: any[]): QueryRunner };

/**
 * A DataSource class whose every query (repositories, query builders, transactions, ds.query) is
 * bounded, and whose database faults (timeout, refused, lost connection, full queue) throw
 * `unavailable(...)` so they answer 503, not 500. Other errors (a duplicate key) pass unchanged.
 * Mixed into each service's own TypeORM DataSource (services may resolve their own copy of TypeORM).
 */
export function withQueryBounds<T extends DataSourceClass>(Base: T, opts: QueryBoundsOptions): T {
  return class BoundedDataSource extends Base {
    // biome-ignore lint/suspicious/noExplicitAny: forwards TypeORM's own parameters unchanged
    override createQueryRunner(...args: any[]): QueryRunner {
      return bound(super.createQueryRunner(...args), this, opts);
    }
  };
}

const unboundedDepth = new WeakMap<object, number>();

/**
 * Runs `work` with the data source's queries unbounded: migrations, an advisory lock that waits its
 * turn, a first seed may rightly take minutes. Only at start, before the service takes requests.
 */
export async function withoutQueryBounds<T>(ds: object, work: () => Promise<T>): Promise<T> {
  unboundedDepth.set(ds, (unboundedDepth.get(ds) ?? 0) + 1);
  try {
    return await work();
  } finally {
    unboundedDepth.set(ds, (unboundedDepth.get(ds) ?? 1) - 1);
  }
}

class QueryTimeout extends Error {}

interface PooledConnection {
  destroy(): void;
  stream?: { destroy(): void };
}

function bound(runner: QueryRunner, owner: object, opts: QueryBoundsOptions): QueryRunner {
  const query = runner.query.bind(runner);
  runner.query = (async (...args: Parameters<QueryRunner['query']>) => {
    if (unboundedDepth.get(owner)) return query(...args);
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abandon(runner);
        reject(new QueryTimeout(`no answer within ${opts.queryTimeoutMs} ms`));
      }, opts.queryTimeoutMs);
    });
    const span = statementSpan(String(args[0]));
    const running = query(...args);
    running.catch(() => undefined); // settles after an abandon, when nobody awaits it any more
    let failed: unknown;
    try {
      return await Promise.race([running, stalled]);
    } catch (e) {
      failed = e;
      throw isUnavailable(e) ? opts.unavailable(reasonOf(e)) : e;
    } finally {
      clearTimeout(timer);
      span?.end(failed);
    }
  }) as QueryRunner['query'];
  return runner;
}

/**
 * The runner's connection is stuck behind a statement that will not answer. mysql2 would hand it
 * back to the pool and the next caller would queue behind that statement, so it is destroyed: out
 * of the pool, socket closed, which also ends the server's thread waiting on a lock (measured: gone
 * within 2.5 s of the close while LOCK TABLES held it). A connection still on its way (the wait was
 * for the pool) is destroyed when it arrives, instead of staying with a runner nobody uses.
 */
function abandon(runner: QueryRunner): void {
  const destroy = (c: PooledConnection) => {
    c.destroy();
    c.stream?.destroy();
  };
  const held = (runner as { databaseConnection?: PooledConnection }).databaseConnection;
  if (held) destroy(held);
  else runner.connect().then(destroy, () => undefined);
}

// mysql2/MariaDB faults that mean "the database did not answer", not "the statement is wrong".
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_STATEMENT_TIMEOUT',
]);
const UNAVAILABLE_MESSAGES =
  /^(Queue limit reached|Pool is closed|No connections available|Can't add new command when connection is in closed state)/;

type DriverFault = Error & { code?: string; fatal?: boolean; driverError?: DriverFault };

/** Checked by shape: TypeORM wraps driver errors (QueryFailedError.driverError), pool errors come bare. */
export function isUnavailable(e: unknown): boolean {
  if (e instanceof QueryTimeout) return true;
  const err = e as DriverFault | undefined;
  const driver = err?.driverError ?? err;
  if (!driver) return false;
  if (driver.code && UNAVAILABLE_CODES.has(driver.code)) return true;
  return driver.fatal === true || UNAVAILABLE_MESSAGES.test(driver.message ?? '');
}

function reasonOf(e: unknown): string {
  const err = e as DriverFault;
  const driver = err?.driverError ?? err;
  return [driver?.code, driver?.message].filter(Boolean).join(' ') || String(e);
}
