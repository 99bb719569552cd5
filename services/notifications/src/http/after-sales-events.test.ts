import { createLogger } from '@dbcarts/logging';
import { describe, expect, it } from 'vitest';
import type { NotifyAfterSalesEventUseCase } from '../app/notify-after-sales-event.use-case';
import { composeCaseMessage, composeClaimMessage } from '../domain/after-sales-message';
import { afterSalesEventSubscriptions } from './after-sales-events.subscriptions';

const reply = {
  caseId: 'a1b2c3d4-0000-4000-8000-000000000000',
  customerId: 'u1',
  customerEmail: 'ada@example.test',
  subject: 'Where is my parcel?',
  status: 'open',
  change: 'reply',
  message: 'It ships today.',
  occurredAt: '2026-03-01T10:00:00.000Z',
};

describe('after-sales event deliveries', () => {
  const seen: string[] = [];
  const notify = {
    caseUpdated: async (id: string) => {
      seen.push(id);
      return 'recorded';
    },
    claimDecided: async (id: string) => {
      seen.push(id);
      return 'duplicate';
    },
  } as unknown as NotifyAfterSalesEventUseCase;
  const [cases, claims] = afterSalesEventSubscriptions(notify, createLogger('test', 'silent'));

  it('takes one route per topic, dead-lettering to the notifications dead-letter topic', () => {
    expect([cases?.topic, claims?.topic]).toEqual(['support.case-updated', 'warranty.claim-decided']);
    expect(cases?.route).toBe('/events/support.case-updated');
    expect(cases?.deadLetterTopic).toBe('orders.dead-letter.notifications');
  });

  it('answers SUCCESS for a good event and DROP for one that can never pass (header injection, bad address)', async () => {
    const deliver = (data: unknown) => cases?.handler({ id: 'e1', data } as never);
    expect(await deliver(reply)).toBe('SUCCESS');
    expect(seen).toEqual(['e1']);
    expect(await deliver({ ...reply, subject: 'x\r\nBcc: all@example.test' })).toBe('DROP');
    expect(await deliver({ ...reply, customerEmail: 'a@example.test;b@example.test' })).toBe('DROP');
    expect(await deliver({ ...reply, change: 'other' })).toBe('DROP');
    expect(seen).toEqual(['e1']);
  });

  it('writes a reply, a status move and a claim decision as the customer reads them', () => {
    expect(composeCaseMessage({ ...reply, change: 'reply' })).toMatchObject({
      kind: 'support_reply',
      subject: 'Re: Where is my parcel? (case a1b2c3d4)',
      paragraphs: expect.arrayContaining(['It ships today.']),
    });
    expect(
      composeCaseMessage({ ...reply, change: 'status', status: 'waiting_on_customer', message: null }),
    ).toMatchObject({ kind: 'support_status', subject: 'Your support case is waiting for your reply (case a1b2c3d4)' });
    const claim = composeClaimMessage({
      claimId: 'c1',
      customerId: 'u1',
      customerEmail: 'ada@example.test',
      orderId: 'o1',
      sku: 'TV-1',
      productName: 'Telly',
      status: 'approved',
      resolution: 'replace',
      note: 'A new one is on its way.',
      occurredAt: reply.occurredAt,
    });
    expect(claim).toMatchObject({
      kind: 'warranty_claim',
      orderId: 'o1',
      subject: 'Your warranty claim for Telly is approved',
    });
    expect(claim.paragraphs[0]).toContain('(replace)');
  });
});
