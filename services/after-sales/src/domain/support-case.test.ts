import { describe, expect, it } from 'vitest';
import { addMessage, type CaseStatus, canSetCaseStatus, type SupportCase, setCaseStatus } from './support-case';

const base = (status: CaseStatus = 'open'): SupportCase => ({
  id: 'k1',
  customerId: 'u1',
  customerEmail: 'u1@example.test',
  subject: 's',
  orderId: null,
  sku: null,
  status,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  firstResponseAt: null,
  resolvedAt: null,
  version: 1,
});
const t1 = new Date(60_000);
const t2 = new Date(120_000);

describe('support case lifecycle', () => {
  it('moves open → waiting_on_customer → resolved → closed and refuses going back', () => {
    const resolved = setCaseStatus(setCaseStatus(base(), 'waiting_on_customer', t1), 'resolved', t2);
    expect(resolved).toMatchObject({ status: 'resolved', resolvedAt: t2, version: 3 });
    expect(setCaseStatus(resolved, 'closed', t2).status).toBe('closed');
    expect(canSetCaseStatus('resolved', 'waiting_on_customer')).toBe(false);
    expect(canSetCaseStatus('closed', 'resolved')).toBe(false);
    expect(() => setCaseStatus(resolved, 'waiting_on_customer', t2)).toThrow(
      expect.objectContaining({ code: 'SUPPORT.INVALID_TRANSITION' }),
    );
  });

  it('sets the first response once, at the first admin reply', () => {
    const once = addMessage(base(), 'admin', t1);
    expect(addMessage(once, 'admin', t2).firstResponseAt).toEqual(t1);
    expect(addMessage(base(), 'customer', t1).firstResponseAt).toBeNull();
  });

  it('reopens a case waiting on the customer (or resolved) when the customer writes', () => {
    expect(addMessage(base('waiting_on_customer'), 'customer', t1).status).toBe('open');
    const resolved = setCaseStatus(base(), 'resolved', t1);
    expect(addMessage(resolved, 'customer', t2)).toMatchObject({ status: 'open', resolvedAt: null });
    expect(addMessage(base('waiting_on_customer'), 'admin', t1).status).toBe('waiting_on_customer');
  });

  it('takes no message on a closed case', () => {
    expect(() => addMessage(base('closed'), 'customer', t1)).toThrow(
      expect.objectContaining({ code: 'SUPPORT.CASE_CLOSED' }),
    );
  });
});
