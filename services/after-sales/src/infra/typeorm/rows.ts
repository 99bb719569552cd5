import type { CaseMessage, CaseStatus, SupportCase } from '../../domain/support-case';
import type { ClaimMove, ClaimStatus, Resolution, WarrantyClaim, WarrantyRegistration } from '../../domain/warranty';

// Database rows and their domain objects (the rows never leave infra/).

export interface RegistrationRow {
  id: string;
  customer_id: string;
  customer_email: string;
  order_id: string;
  sku: string;
  product_name: string;
  department: string | null;
  months: number;
  delivered_at: Date;
  covers_until: Date;
  created_at: Date;
}

export function toRegistration(r: RegistrationRow): WarrantyRegistration {
  return {
    id: r.id,
    customerId: r.customer_id,
    customerEmail: r.customer_email,
    orderId: r.order_id,
    sku: r.sku,
    productName: r.product_name,
    department: r.department,
    months: Number(r.months),
    deliveredAt: new Date(r.delivered_at),
    coversUntil: new Date(r.covers_until),
    createdAt: new Date(r.created_at),
  };
}

export interface ClaimRow {
  id: string;
  registration_id: string;
  customer_id: string;
  status: string;
  resolution: string | null;
  description: string;
  history: string | { status: string; note: string | null; at: string }[];
  version: number;
  created_at: Date;
  updated_at: Date;
}

export function toClaim(r: ClaimRow): WarrantyClaim {
  const history = (typeof r.history === 'string' ? JSON.parse(r.history) : r.history) as {
    status: string;
    note: string | null;
    at: string;
  }[];
  return {
    id: r.id,
    registrationId: r.registration_id,
    customerId: r.customer_id,
    status: r.status as ClaimStatus,
    resolution: r.resolution as Resolution | null,
    description: r.description,
    history: history.map((h): ClaimMove => ({ status: h.status as ClaimStatus, note: h.note, at: new Date(h.at) })),
    version: Number(r.version),
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

export interface CaseRow {
  id: string;
  customer_id: string;
  customer_email: string;
  subject: string;
  order_id: string | null;
  sku: string | null;
  status: string;
  version: number;
  created_at: Date;
  updated_at: Date;
  first_response_at: Date | null;
  resolved_at: Date | null;
}

const dateOrNull = (d: Date | null) => (d ? new Date(d) : null);

export function toCase(r: CaseRow): SupportCase {
  return {
    id: r.id,
    customerId: r.customer_id,
    customerEmail: r.customer_email,
    subject: r.subject,
    orderId: r.order_id,
    sku: r.sku,
    status: r.status as CaseStatus,
    version: Number(r.version),
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
    firstResponseAt: dateOrNull(r.first_response_at),
    resolvedAt: dateOrNull(r.resolved_at),
  };
}

export interface MessageRow {
  author: string;
  author_id: string;
  body: string;
  created_at: Date;
}

export function toMessage(r: MessageRow): CaseMessage {
  return { author: r.author as CaseMessage['author'], authorId: r.author_id, body: r.body, at: new Date(r.created_at) };
}
