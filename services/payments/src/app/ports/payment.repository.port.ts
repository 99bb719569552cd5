import type { Journal } from '../../domain/ledger';
import type { Payment, PaymentStatus, ProviderName, Step } from '../../domain/payment';
import type { Refund } from '../../domain/refund';

export interface NewPayment {
  orderId: string;
  customerId: string;
  provider: ProviderName;
  currency: string;
  amount: number;
  requestHash: string;
}

/** What a finished step changes on the payment (absent fields stay). */
export interface PaymentChange {
  status?: PaymentStatus;
  providerRef?: string;
  captureRef?: string;
  captured?: number;
  providerReached?: boolean;
  declineCode?: string;
}

/** An event to publish once the change commits (transactional outbox). */
export interface OutboxEvent {
  /** Stable: consumers deduplicate on it. */
  id: string;
  topic: string;
  data: unknown;
}

/** A change and everything it books, committed together or not at all. */
export interface StepOutcome {
  change: PaymentChange;
  journal?: Journal;
  events?: OutboxEvent[];
}

export type RefundOutcome =
  | {
      status: 'succeeded';
      providerRef: string;
      journal: Journal;
      /** Built from the payment as the refund leaves it (read in the same transaction). */
      events: (after: Payment) => OutboxEvent[];
    }
  | { status: 'declined' }
  | { status: 'unanswered' };

/**
 * The provider call a claim is about to make, written in the claim's own transaction (before the
 * call leaves: a crash mid-call leaves a call without an outcome, visible to an operator), and its
 * outcome, written in the transaction that books the step. Two commits per step, not five.
 */
export interface CallStart {
  idempotencyKey: string;
}
export interface CallEnd {
  outcome: 'ok' | 'declined' | 'unavailable';
  detail?: string;
}

/** A payment whose step this caller holds, with the row of the provider call it is making. */
export type ClaimedPayment = Payment & { callId?: string };
export type ClaimedRefund = Refund & { callId: string };

/**
 * The payments database. Every method is one statement or one transaction; the conditions that
 * keep the invariants (one payment per order, one caller per step, refunds within the capture) are
 * in the SQL and the schema, not in a read-then-write here.
 */
export interface PaymentRepositoryPort {
  /**
   * The order's payment: on its customer's shard when the caller knows the customer, on every shard
   * otherwise (the API names the order only). Every write below takes the customer from the payment.
   */
  find(orderId: string, customerId?: string): Promise<Payment | undefined>;
  /** Inserts the order's payment with its authorize step claimed (attempt 1); undefined when it has one. */
  createClaimed(p: NewPayment, leaseMs: number, call: CallStart): Promise<ClaimedPayment | undefined>;
  /** The tombstone of a void that found no payment (a late authorization is then refused); false if one appeared. */
  createCancelled(orderId: string, customerId?: string): Promise<boolean>;
  /**
   * Takes `step` if nobody moved since `p` was read (same attempt) and no live lease holds it:
   * the payment with its new attempt, or undefined when another caller got there first. `call`
   * absent: the step will not call the provider (nothing there to release).
   */
  claim(p: Payment, step: Step, leaseMs: number, call?: CallStart): Promise<ClaimedPayment | undefined>;
  /** Stores the provider's reference mid-step (fenced by the claim); false when it was taken over. */
  remember(claimed: Payment, ref: string): Promise<boolean>;
  /**
   * Ends the claimed step with its outcome and the call's: the payment as now stored, or undefined
   * when the claim was taken over meanwhile (nothing written).
   */
  finish(claimed: ClaimedPayment, outcome: StepOutcome, call?: CallEnd): Promise<Payment | undefined>;

  findRefund(p: Payment, refundId: string): Promise<Refund | undefined>;
  /**
   * Reserves `amount` of the captured money and inserts the refund, claimed: 'exists' when the
   * refund id is taken, 'exceeds' when the capture has less left (or the payment is not captured).
   */
  createRefund(
    p: Payment,
    refundId: string,
    amount: number,
    leaseMs: number,
    call: CallStart,
  ): Promise<ClaimedRefund | 'exists' | 'exceeds'>;
  claimRefund(r: Refund, leaseMs: number, call: CallStart): Promise<ClaimedRefund | undefined>;
  finishRefund(claimed: ClaimedRefund, outcome: RefundOutcome, call: CallEnd): Promise<boolean>;
}
