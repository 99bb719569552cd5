import { type RelayedAnswer, relayIdempotent, type Sidecar } from '@dbcarts/dapr';
import type { Page, SlaDayDto, SupportCaseDto, WarrantyClaimDto, WarrantyDto } from '../contract';

export type {
  CaseUpdatedEvent,
  ClaimDecidedEvent,
  Page,
  SlaDayDto,
  SupportCaseDto,
  WarrantyClaimDto,
  WarrantyDto,
} from '../contract';
export {
  AFTER_SALES_EVENTS,
  CaseListQuery,
  CaseMessageBody,
  CaseStatusBody,
  ClaimDecisionBody,
  ClaimOutcomeBody,
  CreateCaseBody,
  IdParams,
  RegisterWarrantyBody,
  SkuParams,
  SlaQuery,
  WarrantyClaimBody,
  WarrantyTermsBody,
} from '../contract';

export const AFTER_SALES_APP_ID = 'after-sales';

export type { RelayedAnswer };

export interface AfterSalesClient {
  registerWarranty(customerId: string, key: string, body: unknown): Promise<RelayedAnswer>;
  warranties(customerId: string): Promise<{ items: WarrantyDto[] }>;
  claim(customerId: string, registrationId: string, key: string, body: unknown): Promise<RelayedAnswer>;
  decide(claimId: string, body: unknown): Promise<WarrantyClaimDto>;
  claimOutcome(claimId: string, body: unknown): Promise<WarrantyClaimDto>;
  setWarrantyTerm(sku: string, body: unknown): Promise<{ sku: string; months: number }>;
  openCase(customerId: string, key: string, body: unknown): Promise<RelayedAnswer>;
  cases(customerId: string, query: Record<string, string | number | undefined>): Promise<Page<SupportCaseDto>>;
  case(customerId: string, id: string): Promise<SupportCaseDto>;
  message(customerId: string, id: string, body: unknown): Promise<SupportCaseDto>;
  adminCases(query: Record<string, string | number | undefined>): Promise<Page<SupportCaseDto>>;
  adminCase(id: string): Promise<SupportCaseDto>;
  adminMessage(adminId: string, id: string, body: unknown): Promise<SupportCaseDto>;
  setCaseStatus(id: string, body: unknown): Promise<SupportCaseDto>;
  sla(from: string, to: string): Promise<{ from: string; to: string; days: SlaDayDto[] }>;
}

/**
 * The gateway's way to the after-sales service (Dapr invocation, each call bounded by `timeoutMs`).
 * The customer id is the token's subject, never the client's choice; the service validates every
 * body again. Problems the service answers are relayed as it said them (UpstreamProblemError).
 */
export function createAfterSalesClient(
  sidecar: Sidecar,
  appId = AFTER_SALES_APP_ID,
  timeoutMs = 5_000,
): AfterSalesClient {
  const seg = encodeURIComponent;
  const c = (id: string) => `customers/${seg(id)}`;
  const call = async <T>(
    method: string,
    path: string,
    body?: unknown,
    query?: Record<string, string | number | undefined>,
  ) => (await sidecar.invokeService<T>(appId, method, path, { body, query: clean(query), timeoutMs })).body;
  // Idempotent writes: every status the service answered is an answer to relay (a stored 422 replays as a 422).
  const relay = (path: string, key: string, body: unknown): Promise<RelayedAnswer> =>
    relayIdempotent(sidecar, appId, path, { key, body, timeoutMs, publicName: 'The after-sales service' });
  return {
    registerWarranty: (id, key, body) => relay(`${c(id)}/warranties`, key, body),
    warranties: (id) => call('GET', `${c(id)}/warranties`),
    claim: (id, reg, key, body) => relay(`${c(id)}/warranties/${seg(reg)}/claims`, key, body),
    decide: (claim, body) => call('POST', `admin/warranty-claims/${seg(claim)}/decision`, body),
    claimOutcome: (claim, body) => call('POST', `admin/warranty-claims/${seg(claim)}/status`, body),
    setWarrantyTerm: (sku, body) => call('PUT', `admin/warranty-terms/${seg(sku)}`, body),
    openCase: (id, key, body) => relay(`${c(id)}/support/cases`, key, body),
    cases: (id, query) => call('GET', `${c(id)}/support/cases`, undefined, query),
    case: (id, k) => call('GET', `${c(id)}/support/cases/${seg(k)}`),
    message: (id, k, body) => call('POST', `${c(id)}/support/cases/${seg(k)}/messages`, body),
    adminCases: (query) => call('GET', 'admin/support/cases', undefined, query),
    adminCase: (k) => call('GET', `admin/support/cases/${seg(k)}`),
    adminMessage: (admin, k, body) => call('POST', `admins/${seg(admin)}/support/cases/${seg(k)}/messages`, body),
    setCaseStatus: (k, body) => call('POST', `admin/support/cases/${seg(k)}/status`, body),
    sla: (from, to) => call('GET', 'admin/support/sla', undefined, { from, to }),
  };
}

function clean(q?: Record<string, string | number | undefined>): Record<string, string | number> | undefined {
  if (!q) return undefined;
  return Object.fromEntries(Object.entries(q).filter((e): e is [string, string | number] => e[1] !== undefined));
}
