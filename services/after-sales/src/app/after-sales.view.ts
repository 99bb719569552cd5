import type {
  CaseMessageDto,
  CaseUpdatedEvent,
  ClaimDecidedEvent,
  SupportCaseDto,
  WarrantyClaimDto,
  WarrantyDto,
} from '../../contract';
import type { CaseMessage, SupportCase } from '../domain/support-case';
import type { WarrantyClaim, WarrantyRegistration } from '../domain/warranty';

// Public views, whitelisted field by field. Here rather than in http/ because an idempotent answer is
// stored with its transaction and must be byte for byte what the first request was answered.

export function toClaimDto(c: WarrantyClaim): WarrantyClaimDto {
  return {
    id: c.id,
    registrationId: c.registrationId,
    status: c.status,
    resolution: c.resolution,
    description: c.description,
    history: c.history.map((h) => ({ status: h.status, note: h.note, at: h.at.toISOString() })),
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export function toWarrantyDto(r: WarrantyRegistration, claims: WarrantyClaim[] = []): WarrantyDto {
  return {
    id: r.id,
    orderId: r.orderId,
    sku: r.sku,
    productName: r.productName,
    department: r.department,
    months: r.months,
    deliveredAt: r.deliveredAt.toISOString(),
    coversUntil: r.coversUntil.toISOString(),
    createdAt: r.createdAt.toISOString(),
    claims: claims.map(toClaimDto),
  };
}

export function toMessageDto(m: CaseMessage): CaseMessageDto {
  return { author: m.author, message: m.body, at: m.at.toISOString() };
}

export function toCaseDto(c: SupportCase, messages?: CaseMessage[]): SupportCaseDto {
  return {
    id: c.id,
    subject: c.subject,
    orderId: c.orderId,
    sku: c.sku,
    status: c.status,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    firstResponseAt: c.firstResponseAt?.toISOString() ?? null,
    resolvedAt: c.resolvedAt?.toISOString() ?? null,
    ...(messages ? { messages: messages.map(toMessageDto) } : {}),
  };
}

export function claimDecidedEvent(r: WarrantyRegistration, c: WarrantyClaim, note: string): ClaimDecidedEvent {
  return {
    claimId: c.id,
    registrationId: r.id,
    customerId: r.customerId,
    customerEmail: r.customerEmail,
    orderId: r.orderId,
    sku: r.sku,
    productName: r.productName,
    status: c.status,
    resolution: c.resolution,
    note,
    occurredAt: c.updatedAt.toISOString(),
  };
}

export function caseUpdatedEvent(c: SupportCase, change: 'reply' | 'status', message: string | null): CaseUpdatedEvent {
  return {
    caseId: c.id,
    customerId: c.customerId,
    customerEmail: c.customerEmail,
    subject: c.subject,
    status: c.status,
    change,
    message,
    occurredAt: c.updatedAt.toISOString(),
  };
}
