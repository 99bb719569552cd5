import { randomUUID } from 'node:crypto';
import { startStack, type TestMailpit, type TestStack } from '@dbcarts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotificationsClient, type NotificationsClient } from '../client';
import { newCustomer, orderEvent, publish, sleep, within } from './order-events';

// Real parts only: placement + daprd (with our smtp binding) + the service from its build, its own
// MariaDB database, RabbitMQ, and a Mailpit of this run that the binding sends to.
let stack: TestStack;
let mailpit: TestMailpit;
let notifications: NotificationsClient;

beforeAll(async () => {
  stack = await startStack({ apps: ['notifications'] });
  if (!stack.mailpit) throw new Error('the notifications manifest asks for a Mailpit');
  mailpit = stack.mailpit;
  notifications = createNotificationsClient(stack.sidecar('notifications'));
});
afterAll(() => stack?.stop());

const inbox = (email: string) => mailpit.messagesTo(email);

describe('order events become one email and one notification each', () => {
  it('orders.confirmed → an email to the order’s address naming the order, its lines and total, within 1 s', async () => {
    const latencies: number[] = [];
    // Several orders one after another: every one of them within the second, not just a lucky one.
    for (let i = 0; i < 10; i++) {
      const customer = newCustomer(stack);
      const event = orderEvent(customer);
      const started = Date.now();
      await publish(stack, 'orders.confirmed', event);
      const { value: mails } = await within(1_000, async () => {
        const m = await inbox(customer.email);
        return m.length > 0 && m;
      });
      latencies.push(Date.now() - started);
      expect(mails).toHaveLength(1);
      const mail = await mailpit.message(mails[0]?.ID ?? '');
      expect(mail.To.map((t) => t.Address)).toEqual([customer.email]);
      expect(mail.From.Address).toBe('orders@dbcarts.test');
      expect(mail.Subject).toBe(`Your DBcarts order ${event.orderId} is confirmed`);
      // The product name is escaped in the HTML (it holds '<deluxe>') and every line and the total are there.
      expect(mail.HTML).toContain('Wooden train &#60;deluxe&#62;');
      expect(mail.HTML).not.toContain('<deluxe>');
      expect(mail.HTML).toContain('Desk lamp');
      expect(mail.HTML).toContain('$84.98');
      expect(mail.HTML).toContain(event.orderId);
    }
    latencies.sort((a, b) => a - b);
    console.log(`[notifications] event → email in Mailpit: ${JSON.stringify({ ms: latencies })}`);
    expect(latencies.at(-1)).toBeLessThanOrEqual(1_000);
  });

  it('each order event kind has its own message, listed newest first and paged', async () => {
    const customer = newCustomer(stack);
    const base = orderEvent(customer);
    const steps = [
      ['orders.confirmed', 'order_confirmed', { status: 'confirmed' }],
      ['orders.shipped', 'order_shipped', { status: 'shipped', version: 2 }],
      [
        'orders.returned',
        'order_refunded',
        { status: 'returned', version: 3, refund: { amount: 1999, currency: 'USD' } },
      ],
    ] as const;
    for (const [topic, , change] of steps) {
      const before = (await inbox(customer.email)).length;
      await publish(stack, topic, { ...base, ...change });
      // One at a time, so "newest first" has one right answer.
      await within(5_000, async () => (await inbox(customer.email)).length === before + 1);
    }
    const subjects = (await inbox(customer.email)).map((m) => m.Subject);
    expect(subjects).toEqual([
      `Refund for your DBcarts order ${base.orderId}`,
      `Your DBcarts order ${base.orderId} has shipped`,
      `Your DBcarts order ${base.orderId} is confirmed`,
    ]);

    const first = await notifications.list(customer.id, { page: 1, pageSize: 2 });
    expect(first).toMatchObject({ page: 1, pageSize: 2, total: 3 });
    expect(first.items.map((n) => n.kind)).toEqual(['order_refunded', 'order_shipped']);
    expect(first.items[0]).toMatchObject({ orderId: base.orderId, channel: 'email', sentTo: customer.email });
    expect(first.items[0]?.message).toContain('refunded $19.99');
    expect(first.items[0]?.message).toContain('Total: $84.98');
    // Internal keys stay inside the service.
    expect(Object.keys(first.items[0] ?? {}).sort()).toEqual(
      ['channel', 'createdAt', 'id', 'kind', 'message', 'orderId', 'sentTo', 'subject'].sort(),
    );
    const second = await notifications.list(customer.id, { page: 2, pageSize: 2 });
    expect(second.items.map((n) => n.kind)).toEqual(['order_confirmed']);
    // Another customer sees none of them.
    expect((await notifications.list(randomUUID(), { page: 1, pageSize: 20 })).total).toBe(0);
  });

  it('orders.cancelled tells the customer the order was cancelled', async () => {
    const customer = newCustomer(stack);
    const event = orderEvent(customer, { status: 'cancelled' });
    await publish(stack, 'orders.cancelled', event);
    const { value } = await within(5_000, async () => (await inbox(customer.email))[0]);
    expect(value.Subject).toBe(`Your DBcarts order ${event.orderId} was cancelled`);
  });
});

describe('exactly once per event id', () => {
  it('a redelivered event (same CloudEvent id, again and 5 at once) sends no second email', async () => {
    const customer = newCustomer(stack);
    const confirmed = orderEvent(customer);
    const id = randomUUID();
    await publish(stack, 'orders.confirmed', confirmed, id);
    await within(5_000, async () => (await inbox(customer.email)).length === 1);

    await publish(stack, 'orders.confirmed', confirmed, id);
    const burstId = randomUUID();
    const shipped = { ...confirmed, status: 'shipped' as const, version: 2 };
    await Promise.all(Array.from({ length: 5 }, () => publish(stack, 'orders.shipped', shipped, burstId)));
    // A later event for the same customer has arrived: the duplicates before it had their turn.
    await publish(stack, 'orders.cancelled', { ...confirmed, status: 'cancelled', version: 3 });
    await within(5_000, async () => (await inbox(customer.email)).some((m) => m.Subject.includes('cancelled')));
    await sleep(1_000);

    const subjects = (await inbox(customer.email)).map((m) => m.Subject).sort();
    expect(subjects).toEqual(
      [
        `Your DBcarts order ${confirmed.orderId} has shipped`,
        `Your DBcarts order ${confirmed.orderId} is confirmed`,
        `Your DBcarts order ${confirmed.orderId} was cancelled`,
      ].sort(),
    );
    expect((await notifications.list(customer.id, { page: 1, pageSize: 20 })).total).toBe(3);
  });

  it('with the SMTP server down the event is retried, not lost, and mailed once when it is back', async () => {
    const customer = newCustomer(stack);
    const event = orderEvent(customer);
    await mailpit.stop();
    try {
      await publish(stack, 'orders.confirmed', event);
      await sleep(2_500); // several failed attempts (RETRY), each rolled back
      expect((await notifications.list(customer.id, { page: 1, pageSize: 20 })).total).toBe(0);
    } finally {
      await mailpit.start();
    }
    // Dapr's retry backs off exponentially (components/default/resiliency.yaml, up to 30 s apart).
    await within(45_000, async () => (await inbox(customer.email)).length > 0);
    await sleep(1_000);
    expect(await inbox(customer.email)).toHaveLength(1);
    expect((await notifications.list(customer.id, { page: 1, pageSize: 20 })).total).toBe(1);
  });
});

describe('poison events', () => {
  it('a malformed event is dropped to the dead-letter topic: no email, no record, parked for replay', async () => {
    const customer = newCustomer(stack);
    const other = `${stack.uniqueId('bcc').toLowerCase()}@example.test`;
    // A second recipient smuggled into the address (the binding splits on ';'), and a line-less order.
    const bad = [
      { id: randomUUID(), data: orderEvent(customer, { customerEmail: `${customer.email};${other}` }) },
      { id: randomUUID(), data: orderEvent(customer, { items: [] }) },
      { id: randomUUID(), data: { note: 'not an order' } },
    ];
    for (const b of bad) await publish(stack, 'orders.confirmed', b.data, b.id);

    const sidecar = stack.sidecar('notifications');
    const parked = async () =>
      (await sidecar.invokeService<{ eventId: string; topic: string }[]>('notifications', 'GET', 'dead-letters')).body;
    const { value } = await within(10_000, async () => {
      const letters = await parked();
      return bad.every((b) => letters.some((l) => l.eventId === b.id)) && letters;
    });
    for (const b of bad) expect(value.find((l) => l.eventId === b.id)?.topic).toBe('orders.confirmed');
    expect(await inbox(customer.email)).toEqual([]);
    expect(await inbox(other)).toEqual([]);
    expect((await notifications.list(customer.id, { page: 1, pageSize: 20 })).total).toBe(0);

    // Replay puts each back on its original topic under its id: still malformed, so it comes back here.
    const replay = await sidecar.invokeService<{ replayed: string[] }>('notifications', 'POST', 'dead-letters/replay');
    expect(replay.body.replayed).toEqual(expect.arrayContaining(bad.map((b) => b.id)));
    await within(10_000, async () => {
      const letters = await parked();
      return bad.every((b) => letters.some((l) => l.eventId === b.id));
    });
    expect(await inbox(customer.email)).toEqual([]);
  });
});
