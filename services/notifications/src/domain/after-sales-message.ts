// After-sales events (services/after-sales contract) turned into one message to the customer.
// Pure: no framework, no I/O (lint enforces it).
import type { NotificationKind } from './notification';

/** The after-sales topics that notify the customer (services/after-sales/contract AFTER_SALES_EVENTS). */
export const AFTER_SALES_TOPICS = ['support.case-updated', 'warranty.claim-decided'] as const;
export type AfterSalesTopic = (typeof AFTER_SALES_TOPICS)[number];

export interface CaseUpdate {
  caseId: string;
  customerId: string;
  customerEmail: string;
  subject: string;
  status: string;
  change: 'reply' | 'status';
  message: string | null;
  occurredAt: string;
}

export interface ClaimDecision {
  claimId: string;
  customerId: string;
  customerEmail: string;
  orderId: string;
  sku: string;
  productName: string;
  status: string;
  resolution: string | null;
  note: string;
  occurredAt: string;
}

export interface AfterSalesMessage {
  kind: NotificationKind;
  /** The related order ('' when the case names none). */
  orderId: string;
  subject: string;
  /** Paragraphs of plain text. */
  paragraphs: string[];
}

const STATUS_WORDS: Record<string, string> = {
  open: 'open',
  waiting_on_customer: 'waiting for your reply',
  resolved: 'resolved',
  closed: 'closed',
  approved: 'approved',
  rejected: 'rejected',
  repaired: 'repaired',
  replaced: 'replaced',
  refunded: 'refunded',
};
const words = (s: string) => STATUS_WORDS[s] ?? s;

export function composeCaseMessage(e: CaseUpdate): AfterSalesMessage {
  const ref = `case ${e.caseId.slice(0, 8)}`;
  if (e.change === 'reply') {
    return {
      kind: 'support_reply',
      orderId: '',
      subject: `Re: ${e.subject} (${ref})`,
      paragraphs: [
        `Our support team replied on your ${ref}, "${e.subject}":`,
        e.message ?? '',
        `The case is ${words(e.status)}.`,
      ],
    };
  }
  return {
    kind: 'support_status',
    orderId: '',
    subject: `Your support case is ${words(e.status)} (${ref})`,
    paragraphs: [`Your ${ref}, "${e.subject}", is now ${words(e.status)}.`],
  };
}

export function composeClaimMessage(e: ClaimDecision): AfterSalesMessage {
  return {
    kind: 'warranty_claim',
    orderId: e.orderId,
    subject: `Your warranty claim for ${e.productName} is ${words(e.status)}`,
    paragraphs: [
      `Your warranty claim for ${e.productName} (${e.sku}) is ${words(e.status)}${e.resolution ? ` (${e.resolution})` : ''}.`,
      e.note,
    ],
  };
}
