import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { TestStack } from '@dbcarts/testing';
import mysql from 'mysql2/promise';

// Helpers shared by the payments integration tests: direct calls to one instance (as its sidecar
// would make them, app API token included) and reads of the payments database.

export const MARIADB_URL = process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306';

export interface Answer<T = Record<string, unknown>> {
  status: number;
  type: string;
  body: T;
  ms: number;
}

export function paymentsApi(stack: TestStack) {
  return async function call<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    instance = 0,
  ): Promise<Answer<T>> {
    const t0 = Date.now();
    const res = await fetch(`${stack.appUrl('payments', instance)}${path}`, {
      method,
      headers: { ...stack.sidecarHeaders, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    return {
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      body: (text ? JSON.parse(text) : {}) as T,
      ms: Date.now() - t0,
    };
  };
}

export const authorizeBody = (orderId: string, token = 'tok_visa', amount = 5000) => ({
  orderId,
  customerId: 'cust-1',
  amount: { amount, currency: 'EUR' },
  provider: 'test',
  token,
});

export const newOrderId = () => randomUUID();

export async function openDb(stack: TestStack) {
  return mysql.createConnection(`${MARIADB_URL}/${stack.database('payments')}`);
}

type Db = Awaited<ReturnType<typeof openDb>>;

export async function rows<T>(db: Db, sql: string, params: unknown[] = []): Promise<T[]> {
  const [r] = await db.query(sql, params);
  return r as T[];
}

/** Provider calls made under one idempotency key (the write-ahead call log). */
export async function providerCalls(db: Db, key: string): Promise<number> {
  const [r] = await rows<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM provider_calls WHERE idempotency_key = ?', [
    key,
  ]);
  return Number(r?.n ?? 0);
}

/** Postings of one order by journal kind: [kind, count, Σdebit, Σcredit]. */
export async function journals(db: Db, orderId: string) {
  return rows<{ kind: string; postings: number; debit: string; credit: string }>(
    db,
    `SELECT kind, COUNT(*) AS postings, SUM(debit) AS debit, SUM(credit) AS credit
     FROM ledger_entries WHERE order_id = ? GROUP BY kind ORDER BY kind`,
    [orderId],
  );
}

/** Runs the reconciliation command from its tsc build, as an operator would. */
export function runReconcile(stack: TestStack, args: string[] = []): Promise<{ code: number; out: string }> {
  const entry = join(__dirname, '..', 'dist', 'src', 'reconcile.js');
  const url = `${MARIADB_URL}/${stack.database('payments')}`;
  return new Promise((resolve) => {
    execFile(process.execPath, [entry, '--db-url', url, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}
