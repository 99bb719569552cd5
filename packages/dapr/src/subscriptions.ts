import type { Logger } from '@dbcarts/logging';
import { type Express, type Request, type Response, Router } from 'express';
import { recordDelivery } from './delivery-metrics';

/** What a handler tells Dapr: processed, try again later, or never deliver again (poison). */
export type DeliveryStatus = 'SUCCESS' | 'RETRY' | 'DROP';

export interface CloudEvent<T = unknown> {
  id: string;
  source?: string;
  type?: string;
  topic?: string;
  pubsubname?: string;
  time?: string;
  traceparent?: string;
  data: T;
}

export interface Subscription {
  pubsubName: string;
  topic: string;
  route: string;
  deadLetterTopic?: string;
  handler: (event: CloudEvent) => Promise<DeliveryStatus>;
}

/**
 * Pub/sub deliveries on our own express routes. The SDK's DaprServer acks SUCCESS when a handler
 * throws, which silently loses messages; here a thrown error answers RETRY and is logged.
 */
export class SubscriptionRouter {
  private readonly subs: Subscription[] = [];

  constructor(private readonly log: Logger) {}

  subscribe(sub: Subscription): this {
    this.subs.push(sub);
    return this;
  }

  mount(app: Express | Router): void {
    const router = Router();
    router.get('/dapr/subscribe', (_req, res) => {
      res.json(
        this.subs.map((s) => ({
          pubsubname: s.pubsubName,
          topic: s.topic,
          route: s.route,
          ...(s.deadLetterTopic ? { deadLetterTopic: s.deadLetterTopic } : {}),
        })),
      );
    });
    for (const sub of this.subs) router.post(sub.route, (req, res) => this.deliver(sub, req, res));
    app.use(router);
  }

  private async deliver(sub: Subscription, req: Request, res: Response): Promise<void> {
    // Shutting down (serve() in packages/http sets the flag on SIGTERM): take nothing new. RETRY
    // leaves the message with the sidecar and the broker, for this instance's successor or another
    // one; a delivery already running finishes before the listener closes.
    if (req.app.locals.shuttingDown === true) {
      res.json({ status: 'RETRY' });
      return;
    }
    const started = performance.now();
    const event = parseCloudEvent(req.body);
    if (!event) {
      this.log.warn({ topic: sub.topic }, 'dropping a delivery that is not a CloudEvent');
      recordDelivery(sub.topic, 'DROP', started);
      res.json({ status: 'DROP' });
      return;
    }
    let status: DeliveryStatus;
    try {
      status = await sub.handler(event);
    } catch (err) {
      this.log.error({ err, topic: sub.topic, eventId: event.id }, 'handler failed; asking for redelivery');
      status = 'RETRY';
    }
    recordDelivery(sub.topic, status, started, event);
    res.json({ status });
  }
}

export function parseCloudEvent(body: unknown): CloudEvent | undefined {
  let value = body;
  if (Buffer.isBuffer(value)) value = value.toString('utf8');
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const ev = value as Partial<CloudEvent> & { data_base64?: string; datacontenttype?: string };
  if (typeof ev.id !== 'string') return undefined;
  let data: unknown = ev.data;
  if (data === undefined && typeof ev.data_base64 === 'string') {
    data = Buffer.from(ev.data_base64, 'base64').toString('utf8');
  }
  if (typeof data === 'string' && (ev.datacontenttype ?? '').includes('json')) {
    // Data that is not the JSON it claims to be stays the string it is: a consumer's schema refuses
    // it (DROP), and a dead-letter route can still keep it to be looked at and replayed.
    try {
      data = JSON.parse(data);
    } catch {}
  }
  return { ...(ev as CloudEvent), data };
}
