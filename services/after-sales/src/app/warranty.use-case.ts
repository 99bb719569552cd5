import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import type { WarrantyDto } from '../../contract';
import {
  AlreadyRegisteredError,
  ClaimNotFoundError,
  ClaimTransitionError,
  NotDeliveredError,
  RegistrationNotFoundError,
} from '../domain/after-sales.errors';
import {
  assertCovered,
  type ClaimStatus,
  coversUntil,
  moveClaim,
  type Resolution,
  type WarrantyClaim,
  warrantyMonths,
} from '../domain/warranty';
import { AFTER_SALES, type Clock } from './after-sales.tokens';
import { claimDecidedEvent, toClaimDto, toWarrantyDto } from './after-sales.view';
import { refusalsAsAnswers } from './idempotency';
import type {
  CustomersPort,
  IdempotencyPort,
  IdempotentRun,
  OrderLinesPort,
  StoredAnswer,
  WarrantyRepositoryPort,
} from './ports/after-sales.ports';

type Replayable = Promise<{ answer: StoredAnswer; replayed: boolean }>;

/**
 * Warranty registrations and claims. A registration is for a delivered line of the caller's own
 * order (the orders service says whose and whether delivered); it covers the department's term, or
 * the product's override, from delivery. Claims are decided by admins, each move an event.
 * Resolution effects (a refund through payments, a zero-price replacement order) are recorded, not
 * carried out: see the README.
 */
@injectable()
export class WarrantyUseCase {
  constructor(
    @inject(AFTER_SALES.Warranties) private readonly warranties: WarrantyRepositoryPort,
    @inject(AFTER_SALES.OrderLines) private readonly orders: OrderLinesPort,
    @inject(AFTER_SALES.Customers) private readonly customers: CustomersPort,
    @inject(AFTER_SALES.Idempotency) private readonly idempotency: IdempotencyPort,
    @inject(AFTER_SALES.Clock) private readonly now: Clock,
  ) {}

  async register(run: IdempotentRun, orderId: string, sku: string): Replayable {
    const earlier = await this.idempotency.earlier(run);
    if (earlier) return { answer: earlier, replayed: true };
    // Outbound reads first, outside the key's transaction (never hold a row lock across a call).
    const [line, email, override] = await Promise.all([
      this.orders.line(run.customerId, orderId, sku),
      this.customers.email(run.customerId),
      this.warranties.termOverride(sku),
    ]);
    return this.idempotency.once(run, (tx) =>
      refusalsAsAnswers(async () => {
        if (line.status !== 'delivered' && line.status !== 'returned') {
          throw new NotDeliveredError(orderId, sku, line.status);
        }
        if (!line.deliveredAt) throw new NotDeliveredError(orderId, sku, line.status);
        const existing = await tx.registrationFor(run.customerId, orderId, sku);
        if (existing) throw new AlreadyRegisteredError(orderId, sku, existing.id);
        const months = warrantyMonths(line.department, override);
        const reg = {
          id: randomUUID(),
          customerId: run.customerId,
          customerEmail: email,
          orderId,
          sku,
          productName: line.name,
          department: line.department,
          months,
          deliveredAt: line.deliveredAt,
          coversUntil: coversUntil(line.deliveredAt, months),
          createdAt: this.now(),
        };
        await tx.insertRegistration(reg);
        return { status: 201, body: toWarrantyDto(reg) };
      }),
    );
  }

  async list(customerId: string): Promise<WarrantyDto[]> {
    return (await this.warranties.forCustomer(customerId)).map((w) => toWarrantyDto(w.registration, w.claims));
  }

  async claim(run: IdempotentRun, registrationId: string, description: string): Replayable {
    const earlier = await this.idempotency.earlier(run);
    if (earlier) return { answer: earlier, replayed: true };
    // Read before the key's transaction: inside it, a second pooled connection could wait behind the
    // transactions of concurrent duplicates that hold every other one (measured: 20 at once → 503s).
    const reg = await this.warranties.registration(registrationId);
    return this.idempotency.once(run, (tx) =>
      refusalsAsAnswers(async () => {
        if (!reg || reg.customerId !== run.customerId) throw new RegistrationNotFoundError(registrationId);
        const now = this.now();
        assertCovered(reg, now);
        const claim: WarrantyClaim = {
          id: randomUUID(),
          registrationId,
          customerId: run.customerId,
          status: 'submitted',
          resolution: null,
          description,
          history: [{ status: 'submitted', note: null, at: now }],
          version: 1,
          createdAt: now,
          updatedAt: now,
        };
        await tx.insertClaim(claim);
        return { status: 201, body: toClaimDto(claim) };
      }),
    );
  }

  /** An admin's decision (approved/rejected) or, after approval, what was done; each an event. */
  async move(claimId: string, to: ClaimStatus, note: string, resolution?: Resolution) {
    const claim = await this.warranties.claim(claimId);
    if (!claim) throw new ClaimNotFoundError(claimId);
    const reg = await this.warranties.registration(claim.registrationId);
    if (!reg) throw new ClaimNotFoundError(claimId);
    const next = moveClaim(claim, to, note, this.now(), resolution);
    if (!(await this.warranties.saveClaim(next, claim.version, claimDecidedEvent(reg, next, note)))) {
      throw new ClaimTransitionError(claimId, 'changed meanwhile', to);
    }
    return toClaimDto(next);
  }

  setTerm(sku: string, months: number): Promise<void> {
    return this.warranties.setTermOverride(sku, months);
  }
}
