import type { TestStack } from '@dbcarts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, newCustomer, orderBody, within } from '../support/api';
import {
  type AfterSalesFixture,
  count as countIn,
  deliveredOrder as deliveredAfterSalesOrder,
  key,
  startAfterSales,
  stopAfterSales,
} from './after-sales.support';

// After-sales through the real gateway, on real sidecars, MariaDB, the broker and Mailpit: warranties
// for delivered lines, claims decided by an admin (each move an event the notifications service
// emails), support cases with their thread, and Idempotency-Keys replayed, also under 20 concurrent
// duplicates (checked from the after-sales database).
let f: AfterSalesFixture;
let stack: TestStack;
let api: Api;
let admin: string;
let electronics: string[];

beforeAll(async () => {
  f = await startAfterSales();
  ({ stack, api, admin, electronics } = f);
}, 240_000);
afterAll(() => stopAfterSales(f));

const deliveredOrder = (token: string, sku: string) => deliveredAfterSalesOrder(f, token, sku);
const count = (sql: string, params: unknown[]) => countIn(f, sql, params);

const mails = async (to: string) => (await stack.mailpit?.messagesTo(to)) ?? [];
const notes = async (token: string) =>
  (await api('GET', '/api/me/notifications?pageSize=50', undefined, token)).body.items as {
    kind: string;
    subject: string;
    message: string;
  }[];

describe('warranties', () => {
  it('registers a delivered line, a claim is decided and each move reaches the customer by email', async () => {
    const c = await newCustomer(api, stack.uniqueId('warranty'));
    const sku = electronics[0] as string;
    const orderId = await deliveredOrder(c.token, sku);

    const noKey = await api('POST', '/api/me/warranties', { orderId, sku }, c.token);
    expect(noKey.status).toBe(400);
    expect(noKey.body.code).toBe('IDEMPOTENCY.KEY_MISSING');

    const k = key();
    const reg = await api('POST', '/api/me/warranties', { orderId, sku }, c.token, k);
    expect(reg.status).toBe(201);
    expect(reg.body).toMatchObject({ orderId, sku, department: 'electronics', months: 24, claims: [] });
    const delivered = new Date(reg.body.deliveredAt);
    const until = new Date(reg.body.coversUntil);
    expect(until.getUTCFullYear() - delivered.getUTCFullYear()).toBe(2);
    const replay = await api('POST', '/api/me/warranties', { orderId, sku }, c.token, k);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(reg.body);
    const reused = await api('POST', '/api/me/warranties', { orderId, sku: electronics[1] }, c.token, k);
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('IDEMPOTENCY.KEY_REUSED');
    const again = await api('POST', '/api/me/warranties', { orderId, sku }, c.token, key());
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('WARRANTY.ALREADY_REGISTERED');

    // Not delivered yet → 422; someone else's order → 404 (the orders service says whose it is).
    const pending = await api('POST', '/api/orders', orderBody([{ sku, quantity: 1 }]), c.token, key());
    const early = await api('POST', '/api/me/warranties', { orderId: pending.body.id, sku }, c.token, key());
    expect(early.status).toBe(422);
    expect(early.body.code).toBe('WARRANTY.NOT_DELIVERED');
    const other = await newCustomer(api, stack.uniqueId('other'));
    const foreign = await api('POST', '/api/me/warranties', { orderId, sku }, other.token, key());
    expect(foreign.status).toBe(404);
    expect(foreign.headers.get('content-type')).toContain('application/problem+json');

    const claim = await api(
      'POST',
      `/api/me/warranties/${reg.body.id}/claims`,
      { description: 'No picture' },
      c.token,
      key(),
    );
    expect(claim.status).toBe(201);
    expect(claim.body).toMatchObject({ status: 'submitted', registrationId: reg.body.id, resolution: null });
    const theirs = await api(
      'POST',
      `/api/me/warranties/${reg.body.id}/claims`,
      { description: 'x' },
      other.token,
      key(),
    );
    expect(theirs.status).toBe(404);

    const decide = (body: object) => api('POST', `/api/admin/warranty-claims/${claim.body.id}/decision`, body, admin);
    expect((await decide({ decision: 'approved', resolution: 'replace', note: 'Faulty panel' })).body).toMatchObject({
      status: 'approved',
      resolution: 'replace',
    });
    expect((await decide({ decision: 'approved', note: 'twice' })).body.code).toBe('WARRANTY.INVALID_TRANSITION');
    const outcome = (status: string) =>
      api('POST', `/api/admin/warranty-claims/${claim.body.id}/status`, { status, note: 'Sent a new one' }, admin);
    const wrong = await outcome('refunded');
    expect(wrong.status).toBe(409);
    expect(wrong.body.code).toBe('WARRANTY.INVALID_TRANSITION');
    expect((await outcome('replaced')).body.status).toBe('replaced');
    expect((await api('POST', `/api/admin/warranty-claims/${claim.body.id}/decision`, {}, c.token)).status).toBe(403);

    // Two moves, two warranty.claim-decided events, two emails and two notifications.
    await within(10_000, async () => (await mails(c.email)).filter((m) => m.Subject.includes('warranty')).length === 2);
    const listed = (await notes(c.token)).filter((n) => n.kind === 'warranty_claim');
    expect(listed.map((n) => n.subject).sort()).toEqual([
      expect.stringContaining('is approved'),
      expect.stringContaining('is replaced'),
    ]);
    const mine = await api('GET', '/api/me/warranties', undefined, c.token);
    expect(mine.body.items[0].claims[0].history.map((h: { status: string }) => h.status)).toEqual([
      'submitted',
      'approved',
      'replaced',
    ]);
  });

  it('refuses a claim once cover has ended: 422 WARRANTY.EXPIRED, replayed as it was', async () => {
    const sku = electronics[2] as string;
    // A product override of 0 months: cover ends at delivery, so a claim a moment later is late.
    expect((await api('PUT', `/api/admin/warranty-terms/${sku}`, { months: 0 }, admin)).status).toBe(200);
    const c = await newCustomer(api, stack.uniqueId('expired'));
    const orderId = await deliveredOrder(c.token, sku);
    const reg = await api('POST', '/api/me/warranties', { orderId, sku }, c.token, key());
    expect(reg.body).toMatchObject({ months: 0, coversUntil: reg.body.deliveredAt });
    const k = key();
    const late = await api('POST', `/api/me/warranties/${reg.body.id}/claims`, { description: 'Dead' }, c.token, k);
    expect(late.status).toBe(422);
    expect(late.body.code).toBe('WARRANTY.EXPIRED');
    const replay = await api('POST', `/api/me/warranties/${reg.body.id}/claims`, { description: 'Dead' }, c.token, k);
    expect(replay.status).toBe(422);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(
      await count('SELECT COUNT(*) AS n FROM `{as}`.warranty_claims WHERE registration_id = ?', [reg.body.id]),
    ).toBe(0);
  });
});

describe('support cases', () => {
  it('threads messages, emails an admin reply, moves through its statuses and keeps others out', async () => {
    const c = await newCustomer(api, stack.uniqueId('case'));
    const k = key();
    const body = { subject: 'Where is my parcel?', message: 'It has been a week.' };
    const opened = await api('POST', '/api/support/cases', body, c.token, k);
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ status: 'open', firstResponseAt: null, messages: [{ author: 'customer' }] });
    const replay = await api('POST', '/api/support/cases', body, c.token, k);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.id).toBe(opened.body.id);
    const id = opened.body.id as string;

    const other = await newCustomer(api, stack.uniqueId('nosy'));
    expect((await api('GET', `/api/support/cases/${id}`, undefined, other.token)).status).toBe(404);
    // A case about an order names one of the customer's own: someone else's or none → 404, nothing stored.
    const sku = electronics[0] as string;
    const placed = await api('POST', '/api/orders', orderBody([{ sku, quantity: 1 }]), c.token, key());
    expect(placed.status).toBe(201);
    const about = { subject: 'Late', message: 'Where is it?', orderId: placed.body.id };
    const own = await api('POST', '/api/support/cases', about, c.token, key());
    expect(own.status).toBe(201);
    expect(own.body.orderId).toBe(placed.body.id);
    const ownLine = await api('POST', '/api/support/cases', { ...about, sku }, c.token, key());
    expect(ownLine.status).toBe(201);
    for (const [who, body] of [
      [other, about],
      [c, { ...about, orderId: '00000000-0000-4000-8000-000000000000' }],
      [c, { ...about, sku: electronics[1] as string }],
    ] as const) {
      const refused = await api('POST', '/api/support/cases', body, who.token, key());
      expect(refused.status).toBe(404);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
    }
    expect(await count('SELECT COUNT(*) AS n FROM `{as}`.support_cases WHERE customer_id = ?', [other.id])).toBe(0);
    expect((await api('POST', `/api/support/cases/${id}/messages`, { message: 'hi' }, other.token)).status).toBe(404);
    expect((await api('GET', '/api/support/cases', undefined, other.token)).body.total).toBe(0);
    const all = await api('GET', '/api/support/cases?status=open&pageSize=100', undefined, admin);
    expect(all.body.items.map((x: { id: string }) => x.id)).toContain(id);
    expect((await api('GET', '/api/support/cases?pageSize=101', undefined, admin)).status).toBe(400);

    const reply = await api('POST', `/api/support/cases/${id}/messages`, { message: 'It ships today.' }, admin);
    expect(reply.status).toBe(201);
    expect(reply.body.firstResponseAt).not.toBeNull();
    await within(10_000, async () => (await mails(c.email)).some((m) => m.Subject.includes('Where is my parcel?')));
    expect((await notes(c.token)).find((n) => n.kind === 'support_reply')?.message).toContain('It ships today.');

    const status = (s: string) => api('POST', `/api/admin/support/cases/${id}/status`, { status: s }, admin);
    expect((await status('waiting_on_customer')).body.status).toBe('waiting_on_customer');
    // The customer's answer reopens it.
    const answer = await api('POST', `/api/support/cases/${id}/messages`, { message: 'Thanks!' }, c.token);
    expect(answer.body.status).toBe('open');
    expect((await status('resolved')).body.resolvedAt).not.toBeNull();
    expect((await status('closed')).body.status).toBe('closed');
    const invalid = await status('waiting_on_customer');
    expect(invalid.status).toBe(409);
    expect(invalid.headers.get('content-type')).toContain('application/problem+json');
    expect(invalid.body.code).toBe('SUPPORT.INVALID_TRANSITION');
    const closed = await api('POST', `/api/support/cases/${id}/messages`, { message: 'one more' }, c.token);
    expect(closed.body.code).toBe('SUPPORT.CASE_CLOSED');
    expect((await status('reopened')).status).toBe(400);

    const thread = await api('GET', `/api/support/cases/${id}`, undefined, c.token);
    expect(thread.body.messages.map((m: { author: string }) => m.author)).toEqual(['customer', 'admin', 'customer']);
    const today = new Date().toISOString().slice(0, 10);
    const sla = await api('GET', `/api/admin/support/sla?from=${today}&to=${today}`, undefined, admin);
    expect(sla.status).toBe(200);
    expect(sla.body.days[0].opened).toBeGreaterThanOrEqual(1);
    expect(sla.body.days[0].resolved).toBeGreaterThanOrEqual(1);
    expect(sla.body.days[0].firstResponse.medianMinutes).toBeGreaterThanOrEqual(0);
    expect((await api('GET', `/api/admin/support/sla?from=${today}&to=${today}`, undefined, c.token)).status).toBe(403);
  });
});

describe('Idempotency-Key under concurrency', () => {
  it('20 concurrent requests under one key make one registration, one claim and one case', async () => {
    const c = await newCustomer(api, stack.uniqueId('burst'));
    const sku = electronics[1] as string;
    const orderId = await deliveredOrder(c.token, sku);
    const burst = async (path: string, body: object) => {
      const k = key();
      const answers = await Promise.all(Array.from({ length: 20 }, () => api('POST', path, body, c.token, k)));
      expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201));
      expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
      expect(answers.filter((a) => a.headers.get('idempotent-replayed') !== 'true')).toHaveLength(1);
      return answers[0]?.body.id as string;
    };
    const regId = await burst('/api/me/warranties', { orderId, sku });
    await burst(`/api/me/warranties/${regId}/claims`, { description: 'Rattles' });
    await burst('/api/support/cases', { subject: 'Rattle', message: 'It rattles.' });
    expect(await count('SELECT COUNT(*) AS n FROM `{as}`.warranty_registrations WHERE customer_id = ?', [c.id])).toBe(
      1,
    );
    expect(await count('SELECT COUNT(*) AS n FROM `{as}`.warranty_claims WHERE customer_id = ?', [c.id])).toBe(1);
    expect(await count('SELECT COUNT(*) AS n FROM `{as}`.support_cases WHERE customer_id = ?', [c.id])).toBe(1);
  });
});
