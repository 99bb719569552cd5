import type { CaseMessage, CaseStatus, SupportCase } from '../../domain/support-case';
import type { WarrantyClaim, WarrantyRegistration } from '../../domain/warranty';

/** A line of the customer's own order as the orders service states it (someone else's: ORDER.NOT_FOUND). */
export interface OrderLineFacts {
  orderId: string;
  sku: string;
  name: string;
  status: string;
  deliveredAt: Date | null;
  department: string | null;
}

export interface OrderLinesPort {
  line(customerId: string, orderId: string, sku: string): Promise<OrderLineFacts>;
  /** Resolves when the order (and the line, given a SKU) is the customer's; else the orders service's 404. */
  confirmOwned(customerId: string, orderId: string, sku?: string): Promise<void>;
}

export interface CustomersPort {
  /** The customer's email now (messages go to it). */
  email(customerId: string): Promise<string>;
}

/** An answer stored under an Idempotency-Key and replayed as it was. */
export interface StoredAnswer {
  status: number;
  body: unknown;
}

export interface IdempotentRun {
  customerId: string;
  key: string;
  /** sha256 of route + canonical body: the same key with another body is refused. */
  hash: string;
}

/** The writes an idempotent request makes, inside the transaction that holds its key. */
export interface OnceTx {
  registrationFor(customerId: string, orderId: string, sku: string): Promise<WarrantyRegistration | undefined>;
  insertRegistration(r: WarrantyRegistration): Promise<void>;
  insertClaim(c: WarrantyClaim): Promise<void>;
  insertCase(c: SupportCase, first: CaseMessage): Promise<void>;
}

export interface IdempotencyPort {
  /** The answer stored under the key, if it has one (checked before any outbound call). */
  earlier(run: IdempotentRun): Promise<StoredAnswer | undefined>;
  /**
   * Runs `work` once per (customer, key) in ONE transaction with the key's row: concurrent duplicates
   * wait on that row and then replay the answer it committed; another body → IDEMPOTENCY.KEY_REUSED.
   * `work` touches the database through `tx` only (never another pooled connection: see the callers).
   */
  once(
    run: IdempotentRun,
    work: (tx: OnceTx) => Promise<StoredAnswer>,
  ): Promise<{ answer: StoredAnswer; replayed: boolean }>;
}

export interface WarrantyRepositoryPort {
  registration(id: string): Promise<WarrantyRegistration | undefined>;
  /** The caller's registrations, newest first, each with its claims. */
  forCustomer(customerId: string): Promise<{ registration: WarrantyRegistration; claims: WarrantyClaim[] }[]>;
  claim(id: string): Promise<WarrantyClaim | undefined>;
  /** Saves a moved claim over `expectedVersion` with its event (outbox) in one transaction; false if it changed. */
  saveClaim(next: WarrantyClaim, expectedVersion: number, event: unknown): Promise<boolean>;
  termOverride(sku: string): Promise<number | undefined>;
  setTermOverride(sku: string, months: number): Promise<void>;
}

export interface CaseListFilter {
  customerId?: string;
  status?: CaseStatus;
  page: number;
  pageSize: number;
}

export interface SupportRepositoryPort {
  find(id: string): Promise<SupportCase | undefined>;
  messages(caseId: string): Promise<CaseMessage[]>;
  list(filter: CaseListFilter): Promise<{ items: SupportCase[]; total: number }>;
  /** Saves a changed case over `expectedVersion`, its new message and event (if any) in one transaction. */
  save(next: SupportCase, expectedVersion: number, message?: CaseMessage, event?: unknown): Promise<boolean>;
  /** Cases opened or resolved between the two instants (the SLA figures' inputs). */
  forSla(from: Date, to: Date): Promise<SupportCase[]>;
}
