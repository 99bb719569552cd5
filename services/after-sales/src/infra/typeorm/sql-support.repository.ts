import { appendToOutbox } from '@dbcarts/db';
import type { DataSource } from 'typeorm';
import { AFTER_SALES_EVENTS } from '../../../contract';
import type { CaseListFilter, SupportRepositoryPort } from '../../app/ports/after-sales.ports';
import type { CaseMessage, SupportCase } from '../../domain/support-case';
import { type CaseRow, type MessageRow, toCase, toMessage } from './rows';
import { insertMessage } from './sql-idempotency.store';

export class SqlSupportRepository implements SupportRepositoryPort {
  constructor(
    private readonly ds: DataSource,
    private readonly wake: () => void = () => undefined,
  ) {}

  async find(id: string): Promise<SupportCase | undefined> {
    const [row] = (await this.ds.query('SELECT * FROM support_cases WHERE id = ?', [id])) as CaseRow[];
    return row ? toCase(row) : undefined;
  }

  async messages(caseId: string): Promise<CaseMessage[]> {
    const rows = (await this.ds.query(
      'SELECT author, author_id, body, created_at FROM support_messages WHERE case_id = ? ORDER BY seq',
      [caseId],
    )) as MessageRow[];
    return rows.map(toMessage);
  }

  async list(f: CaseListFilter): Promise<{ items: SupportCase[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (f.customerId) where.push('customer_id = ?') && params.push(f.customerId);
    if (f.status) where.push('status = ?') && params.push(f.status);
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [rows, [count]] = await Promise.all([
      this.ds.query(`SELECT * FROM support_cases ${clause} ORDER BY created_at DESC, id LIMIT ? OFFSET ?`, [
        ...params,
        f.pageSize,
        (f.page - 1) * f.pageSize,
      ]) as Promise<CaseRow[]>,
      this.ds.query(`SELECT COUNT(*) AS n FROM support_cases ${clause}`, params) as Promise<{ n: number }[]>,
    ]);
    return { items: rows.map(toCase), total: Number(count?.n ?? 0) };
  }

  async save(next: SupportCase, expectedVersion: number, message?: CaseMessage, event?: unknown): Promise<boolean> {
    const saved = await this.ds.transaction(async (m) => {
      const result = await m.query(
        `UPDATE support_cases SET status = ?, version = ?, updated_at = ?, first_response_at = ?, resolved_at = ?
         WHERE id = ? AND version = ?`,
        [next.status, next.version, next.updatedAt, next.firstResponseAt, next.resolvedAt, next.id, expectedVersion],
      );
      if (Number((result as { affectedRows?: number }).affectedRows ?? 0) !== 1) return false;
      if (message) await insertMessage(m, next.id, message);
      if (event) await appendToOutbox(m, [{ pubsub: 'pubsub', topic: AFTER_SALES_EVENTS.caseUpdated, data: event }]);
      return true;
    });
    if (saved && event) this.wake();
    return saved;
  }

  async forSla(from: Date, to: Date): Promise<SupportCase[]> {
    const rows = (await this.ds.query(
      `SELECT * FROM support_cases WHERE (created_at >= ? AND created_at < ?) OR (resolved_at >= ? AND resolved_at < ?)`,
      [from, to, from, to],
    )) as CaseRow[];
    return rows.map(toCase);
  }
}
