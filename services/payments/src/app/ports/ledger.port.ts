import type { LedgerLine } from '../../domain/ledger';
import type { Payment } from '../../domain/payment';

export interface LedgerPort {
  lines(orderId: string): Promise<LedgerLine[]>;
  /** Payments in order id order after `afterOrderId`, with their ledger lines (reconciliation runs). */
  page(afterOrderId: string, limit: number): Promise<{ payment: Payment; lines: LedgerLine[] }[]>;
  /** Orders that have ledger lines but no payment (should never exist). */
  orphans(): Promise<{ orderId: string; lines: LedgerLine[] }[]>;
}

/**
 * Every provider call, written before it is made and completed after: how many times a step went
 * to the provider, and which calls a crash left without an answer.
 */
export interface ProviderCallLogPort {
  started(call: { orderId: string; provider: string; idempotencyKey: string; attempt: number }): Promise<string>;
  ended(id: string, outcome: 'ok' | 'declined' | 'unavailable', detail?: string): Promise<void>;
}
