import { z } from 'zod';

// The after-sales service's wire contract (shared/api-contract.md "After-sales"): request bodies
// validated at the gateway and again here, the public views, and the events it publishes.

const Sku = z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,63}$/);
const Note = z.string().trim().min(1).max(2000);
export const CustomerId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export const RegisterWarrantyBody = z.strictObject({ orderId: z.uuid(), sku: Sku });
export const WarrantyClaimBody = z.strictObject({ description: z.string().trim().min(1).max(4000) });
export const CLAIM_DECISIONS = ['approved', 'rejected'] as const;
export const CLAIM_RESOLUTIONS = ['repair', 'replace', 'refund'] as const;
export const ClaimDecisionBody = z.strictObject({
  decision: z.enum(CLAIM_DECISIONS),
  resolution: z.enum(CLAIM_RESOLUTIONS).optional(),
  note: Note,
});
/** After approval: what was done (each by an admin with a note). */
export const CLAIM_OUTCOMES = ['repaired', 'replaced', 'refunded'] as const;
export const ClaimOutcomeBody = z.strictObject({ status: z.enum(CLAIM_OUTCOMES), note: Note });
export const WarrantyTermsBody = z.strictObject({ months: z.int().min(0).max(120) });
export const SkuParams = z.strictObject({ sku: Sku });
export const IdParams = z.strictObject({ id: z.uuid() });

export const CreateCaseBody = z.strictObject({
  subject: z.string().trim().min(1).max(200),
  orderId: z.uuid().optional(),
  sku: Sku.optional(),
  message: z.string().trim().min(1).max(8000),
});
export const CaseMessageBody = z.strictObject({ message: z.string().trim().min(1).max(8000) });
export const CASE_STATUSES = ['open', 'waiting_on_customer', 'resolved', 'closed'] as const;
export const CaseStatusBody = z.strictObject({ status: z.enum(['waiting_on_customer', 'resolved', 'closed']) });
export const CaseListQuery = z.strictObject({
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  status: z.enum(CASE_STATUSES).optional(),
});
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
/** At most 92 days: one quarter's figures per request. */
export const SlaQuery = z
  .strictObject({ from: Day, to: Day })
  .refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['from'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 91 * 86_400_000, {
    message: 'at most 92 days',
    path: ['to'],
  });

export type ClaimStatus = 'submitted' | 'approved' | 'rejected' | (typeof CLAIM_OUTCOMES)[number];

export interface ClaimEventDto {
  status: ClaimStatus;
  note: string | null;
  at: string;
}

export interface WarrantyClaimDto {
  id: string;
  registrationId: string;
  status: ClaimStatus;
  resolution: (typeof CLAIM_RESOLUTIONS)[number] | null;
  description: string;
  history: ClaimEventDto[];
  createdAt: string;
  updatedAt: string;
}

export interface WarrantyDto {
  id: string;
  orderId: string;
  sku: string;
  productName: string;
  department: string | null;
  months: number;
  deliveredAt: string;
  coversUntil: string;
  createdAt: string;
  claims: WarrantyClaimDto[];
}

export interface CaseMessageDto {
  author: 'customer' | 'admin';
  message: string;
  at: string;
}

export interface SupportCaseDto {
  id: string;
  subject: string;
  orderId: string | null;
  sku: string | null;
  status: (typeof CASE_STATUSES)[number];
  createdAt: string;
  updatedAt: string;
  firstResponseAt: string | null;
  resolvedAt: string | null;
  messages?: CaseMessageDto[];
}

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

export interface SlaDayDto {
  day: string;
  opened: number;
  firstResponse: { count: number; medianMinutes: number | null; p90Minutes: number | null };
  resolved: number;
  medianResolutionMinutes: number | null;
}

// Events (CloudEvents through Dapr pub/sub; the CloudEvent id is the outbox row's id).
export const AFTER_SALES_EVENTS = {
  claimDecided: 'warranty.claim-decided',
  caseUpdated: 'support.case-updated',
} as const;

/** warranty.claim-decided: every move of a claim after submission (decision, then what was done). */
export interface ClaimDecidedEvent {
  claimId: string;
  registrationId: string;
  customerId: string;
  customerEmail: string;
  orderId: string;
  sku: string;
  productName: string;
  status: ClaimStatus;
  resolution: string | null;
  note: string;
  occurredAt: string;
}

/** support.case-updated: an admin replied (`reply`) or moved the case (`status`). */
export interface CaseUpdatedEvent {
  caseId: string;
  customerId: string;
  customerEmail: string;
  subject: string;
  status: (typeof CASE_STATUSES)[number];
  change: 'reply' | 'status';
  /** The admin's reply (change `reply`). */
  message: string | null;
  occurredAt: string;
}
