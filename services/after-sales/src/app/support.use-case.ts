import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import type { Page, SlaDayDto, SupportCaseDto } from '../../contract';
import { CaseNotFoundError, CaseTransitionError } from '../domain/after-sales.errors';
import { slaByDay } from '../domain/sla';
import { addMessage, type CaseMessage, type CaseStatus, type SupportCase, setCaseStatus } from '../domain/support-case';
import { AFTER_SALES, type Clock } from './after-sales.tokens';
import { caseUpdatedEvent, toCaseDto } from './after-sales.view';
import { refusalsAsAnswers } from './idempotency';
import type {
  CaseListFilter,
  CustomersPort,
  IdempotencyPort,
  IdempotentRun,
  OrderLinesPort,
  StoredAnswer,
  SupportRepositoryPort,
} from './ports/after-sales.ports';

/** Who acts: a customer on their own cases only (someone else's → 404), an admin on any. */
export type CaseActor = { customerId: string } | { adminId: string };

export interface NewCase {
  subject: string;
  orderId?: string;
  sku?: string;
  message: string;
}

/**
 * Customer-service cases and their threads. An admin's reply or status move commits with a
 * support.case-updated event (outbox); the notifications service emails the customer from it.
 */
@injectable()
export class SupportUseCase {
  constructor(
    @inject(AFTER_SALES.Support) private readonly cases: SupportRepositoryPort,
    @inject(AFTER_SALES.Customers) private readonly customers: CustomersPort,
    @inject(AFTER_SALES.OrderLines) private readonly orders: OrderLinesPort,
    @inject(AFTER_SALES.Idempotency) private readonly idempotency: IdempotencyPort,
    @inject(AFTER_SALES.Clock) private readonly now: Clock,
  ) {}

  async open(run: IdempotentRun, req: NewCase): Promise<{ answer: StoredAnswer; replayed: boolean }> {
    const earlier = await this.idempotency.earlier(run);
    if (earlier) return { answer: earlier, replayed: true };
    // A case about an order names one of the customer's own (another's or none → the orders
    // service's 404, as GET /api/orders/{id} answers): read before the transaction, never under its lock.
    if (req.orderId) await this.orders.confirmOwned(run.customerId, req.orderId, req.sku);
    const email = await this.customers.email(run.customerId);
    return this.idempotency.once(run, (tx) =>
      refusalsAsAnswers(async () => {
        const now = this.now();
        const c: SupportCase = {
          id: randomUUID(),
          customerId: run.customerId,
          customerEmail: email,
          subject: req.subject,
          orderId: req.orderId ?? null,
          sku: req.sku ?? null,
          status: 'open',
          createdAt: now,
          updatedAt: now,
          firstResponseAt: null,
          resolvedAt: null,
          version: 1,
        };
        const first: CaseMessage = { author: 'customer', authorId: run.customerId, body: req.message, at: now };
        await tx.insertCase(c, first);
        return { status: 201, body: toCaseDto(c, [first]) };
      }),
    );
  }

  async list(
    actor: CaseActor,
    q: { page: number; pageSize: number; status?: CaseStatus },
  ): Promise<Page<SupportCaseDto>> {
    const filter: CaseListFilter = { ...q, ...('customerId' in actor ? { customerId: actor.customerId } : {}) };
    const { items, total } = await this.cases.list(filter);
    return { items: items.map((c) => toCaseDto(c)), page: q.page, pageSize: q.pageSize, total };
  }

  async get(actor: CaseActor, id: string): Promise<SupportCaseDto> {
    const c = await this.find(actor, id);
    return toCaseDto(c, await this.cases.messages(id));
  }

  async message(actor: CaseActor, id: string, body: string): Promise<SupportCaseDto> {
    const c = await this.find(actor, id);
    const now = this.now();
    const admin = 'adminId' in actor;
    const next = addMessage(c, admin ? 'admin' : 'customer', now);
    const message: CaseMessage = {
      author: admin ? 'admin' : 'customer',
      authorId: admin ? actor.adminId : actor.customerId,
      body,
      at: now,
    };
    const event = admin ? caseUpdatedEvent(next, 'reply', body) : undefined;
    if (!(await this.cases.save(next, c.version, message, event)))
      throw new CaseTransitionError(id, 'changed meanwhile', next.status);
    return toCaseDto(next, [...(await this.cases.messages(id))]);
  }

  async setStatus(id: string, to: CaseStatus): Promise<SupportCaseDto> {
    const c = await this.find({ adminId: 'admin' }, id);
    const next = setCaseStatus(c, to, this.now());
    if (!(await this.cases.save(next, c.version, undefined, caseUpdatedEvent(next, 'status', null)))) {
      throw new CaseTransitionError(id, 'changed meanwhile', to);
    }
    return toCaseDto(next);
  }

  /** Per UTC day from `from` to `to` (inclusive): opened, first response, resolved. */
  async sla(from: string, to: string): Promise<{ from: string; to: string; days: SlaDayDto[] }> {
    const cases = await this.cases.forSla(
      new Date(`${from}T00:00:00Z`),
      new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000),
    );
    return { from, to, days: slaByDay(cases, from, to) };
  }

  private async find(actor: CaseActor, id: string): Promise<SupportCase> {
    const c = await this.cases.find(id);
    if (!c || ('customerId' in actor && c.customerId !== actor.customerId)) throw new CaseNotFoundError(id);
    return c;
  }
}
