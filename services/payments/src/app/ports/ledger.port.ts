import type { LedgerLine } from '../../domain/ledger';
import type { Payment } from '../../domain/payment';

export interface LedgerPort {
  lines(orderId: string): Promise<LedgerLine[]>;
  /** Payments in order id order after `afterOrderId`, with their ledger lines (reconciliation runs). */
  page(afterOrderId: string, limit: number): Promise<{ payment: Payment; lines: LedgerLine[] }[]>;
  /** Orders that have ledger lines but no payment (should never exist). */
  orphans(): Promise<{ orderId: string; lines: LedgerLine[] }[]>;
}
