import type { LedgerLine } from '../../domain/ledger';
import type { Payment } from '../../domain/payment';

export interface LedgerPort {
  /** The order's lines: on its customer's shard when known, on every shard otherwise (no payment row). */
  lines(orderId: string, customerId?: string): Promise<LedgerLine[]>;
  /** Payments in order id order after `afterOrderId`, with their ledger lines (reconciliation runs). */
  page(afterOrderId: string, limit: number): Promise<{ payment: Payment; lines: LedgerLine[] }[]>;
  /** Orders that have ledger lines but no payment (should never exist). */
  orphans(): Promise<{ orderId: string; lines: LedgerLine[] }[]>;
}
