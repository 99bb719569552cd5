import { createLogger } from '@dbcarts/logging';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { type DeliveryStatus, parseCloudEvent, SubscriptionRouter } from './subscriptions';

function appWith(handler: () => Promise<DeliveryStatus>) {
  const app = express();
  app.use(express.json({ type: ['application/json', 'application/cloudevents+json'] }));
  new SubscriptionRouter(createLogger('test', 'silent'))
    .subscribe({ pubsubName: 'pubsub', topic: 'orders.placed', route: '/events/orders-placed', handler })
    .mount(app);
  return app;
}

const event = {
  id: 'e1',
  specversion: '1.0',
  type: 't',
  source: 's',
  datacontenttype: 'application/json',
  data: { a: 1 },
};

describe('SubscriptionRouter', () => {
  it('declares its subscriptions on GET /dapr/subscribe', async () => {
    const res = await request(appWith(async () => 'SUCCESS')).get('/dapr/subscribe');
    expect(res.body).toEqual([{ pubsubname: 'pubsub', topic: 'orders.placed', route: '/events/orders-placed' }]);
  });

  it('once the process is shutting down, answers RETRY without running the handler (consumers stop taking)', async () => {
    let calls = 0;
    const app = appWith(async () => {
      calls++;
      return 'SUCCESS';
    });
    const deliver = () =>
      request(app)
        .post('/events/orders-placed')
        .set('content-type', 'application/cloudevents+json')
        .send(JSON.stringify(event));
    expect((await deliver()).body).toEqual({ status: 'SUCCESS' });
    app.locals.shuttingDown = true; // what serve() sets on SIGTERM
    expect((await deliver()).body).toEqual({ status: 'RETRY' });
    expect(calls).toBe(1);
  });

  it('answers RETRY when the handler throws: a failure is never acked', async () => {
    const res = await request(
      appWith(async () => {
        throw new Error('db down');
      }),
    )
      .post('/events/orders-placed')
      .set('content-type', 'application/cloudevents+json')
      .send(JSON.stringify(event));
    expect(res.body).toEqual({ status: 'RETRY' });
  });

  it('passes the handler verdict through, and drops what is not a CloudEvent', async () => {
    const app = appWith(async () => 'DROP');
    expect((await request(app).post('/events/orders-placed').send(event)).body).toEqual({ status: 'DROP' });
    const ok = appWith(async () => 'SUCCESS');
    expect((await request(ok).post('/events/orders-placed').send(event)).body).toEqual({ status: 'SUCCESS' });
    expect((await request(ok).post('/events/orders-placed').send({ no: 'id' })).body).toEqual({ status: 'DROP' });
  });

  it('parses string and base64 data as JSON when the content type says so', () => {
    expect(parseCloudEvent({ ...event, data: '{"a":2}' })?.data).toEqual({ a: 2 });
    const b64 = Buffer.from('{"a":3}').toString('base64');
    expect(parseCloudEvent({ id: 'x', datacontenttype: 'application/json', data_base64: b64 })?.data).toEqual({ a: 3 });
  });

  it('keeps data that is not the JSON it claims to be as the string it is (a dead-letter route can park it)', () => {
    const ev = parseCloudEvent({ ...event, data: 'not json {' });
    expect(ev?.id).toBe('e1');
    expect(ev?.data).toBe('not json {');
    expect(parseCloudEvent('{ not an event')).toBeUndefined();
  });
});
