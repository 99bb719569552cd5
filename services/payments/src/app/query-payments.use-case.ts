import { inject, injectable } from 'tsyringe';
import { type Reconciliation, reconcile } from '../domain/ledger';
import { isVisible, type Payment } from '../domain/payment';
import { PaymentNotFoundError } from '../domain/payment.errors';
import { PAYMENTS } from './payments.tokens';
import type { LedgerPort } from './ports/ledger.port';
import type { PaymentRepositoryPort } from './ports/payment.repository.port';

/** Reads: a payment as callers see it, and the ledger's account of one order. */
@injectable()
export class QueryPaymentsUseCase {
  constructor(
    @inject(PAYMENTS.Payments) private readonly payments: PaymentRepositoryPort,
    @inject(PAYMENTS.Ledger) private readonly ledger: LedgerPort,
  ) {}

  /** `customerId`, when the caller knows it, keys the reads to that customer's shard. */
  async get(orderId: string, customerId?: string): Promise<Payment> {
    const p = await this.payments.find(orderId, customerId);
    if (!p || !isVisible(p)) throw new PaymentNotFoundError(orderId);
    return p;
  }

  /** An order without a payment reconciles to zeros (a declined or never-paid order holds nothing). */
  async reconcile(orderId: string, customerId?: string): Promise<Reconciliation> {
    // The payment first: its customer keys the ledger read (an order with no payment row, asked
    // without a customer, is read on every shard).
    const p = await this.payments.find(orderId, customerId);
    const lines = await this.ledger.lines(orderId, customerId ?? p?.customerId);
    return reconcile(orderId, lines, p && figuresOf(p));
  }
}

/** What the payment record says is held, captured and refunded, to hold the ledger against. */
export function figuresOf(p: Payment) {
  return {
    currency: p.currency,
    held: p.status === 'authorized' ? p.amount : 0,
    captured: p.captured,
    refunded: p.refunded,
  };
}
