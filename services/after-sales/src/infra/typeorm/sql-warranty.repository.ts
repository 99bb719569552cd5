import { appendToOutbox } from '@dbcarts/db';
import type { DataSource } from 'typeorm';
import { AFTER_SALES_EVENTS } from '../../../contract';
import type { WarrantyRepositoryPort } from '../../app/ports/after-sales.ports';
import type { WarrantyClaim, WarrantyRegistration } from '../../domain/warranty';
import { type ClaimRow, type RegistrationRow, toClaim, toRegistration } from './rows';

/** At most this many registrations are listed to one customer (newest first). */
const LIST_LIMIT = 200;

export class SqlWarrantyRepository implements WarrantyRepositoryPort {
  constructor(
    private readonly ds: DataSource,
    private readonly wake: () => void = () => undefined,
  ) {}

  async registration(id: string): Promise<WarrantyRegistration | undefined> {
    const [row] = (await this.ds.query('SELECT * FROM warranty_registrations WHERE id = ?', [id])) as RegistrationRow[];
    return row ? toRegistration(row) : undefined;
  }

  async forCustomer(customerId: string) {
    const regs = (
      (await this.ds.query(
        'SELECT * FROM warranty_registrations WHERE customer_id = ? ORDER BY created_at DESC, id LIMIT ?',
        [customerId, LIST_LIMIT],
      )) as RegistrationRow[]
    ).map(toRegistration);
    if (!regs.length) return [];
    const claims = (
      (await this.ds.query(
        `SELECT * FROM warranty_claims WHERE registration_id IN (${regs.map(() => '?').join(', ')}) ORDER BY created_at`,
        regs.map((r) => r.id),
      )) as ClaimRow[]
    ).map(toClaim);
    return regs.map((registration) => ({
      registration,
      claims: claims.filter((c) => c.registrationId === registration.id),
    }));
  }

  async claim(id: string): Promise<WarrantyClaim | undefined> {
    const [row] = (await this.ds.query('SELECT * FROM warranty_claims WHERE id = ?', [id])) as ClaimRow[];
    return row ? toClaim(row) : undefined;
  }

  async saveClaim(next: WarrantyClaim, expectedVersion: number, event: unknown): Promise<boolean> {
    const saved = await this.ds.transaction(async (m) => {
      const result = await m.query(
        `UPDATE warranty_claims SET status = ?, resolution = ?, history = ?, version = ?, updated_at = ?
         WHERE id = ? AND version = ?`,
        [
          next.status,
          next.resolution,
          JSON.stringify(next.history),
          next.version,
          next.updatedAt,
          next.id,
          expectedVersion,
        ],
      );
      if (Number((result as { affectedRows?: number }).affectedRows ?? 0) !== 1) return false;
      await appendToOutbox(m, [{ pubsub: 'pubsub', topic: AFTER_SALES_EVENTS.claimDecided, data: event }]);
      return true;
    });
    if (saved) this.wake();
    return saved;
  }

  async termOverride(sku: string): Promise<number | undefined> {
    const [row] = (await this.ds.query('SELECT months FROM warranty_terms WHERE sku = ?', [sku])) as {
      months: number;
    }[];
    return row ? Number(row.months) : undefined;
  }

  async setTermOverride(sku: string, months: number): Promise<void> {
    await this.ds.query(
      `INSERT INTO warranty_terms (sku, months, updated_at) VALUES (?, ?, ?)
       ON DUPLICATE KEY UPDATE months = VALUES(months), updated_at = VALUES(updated_at)`,
      [sku, months, new Date()],
    );
  }
}
