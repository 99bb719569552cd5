import type { CloudEvent, Subscription } from '@dbcarts/dapr';
import type { Logger } from '@dbcarts/logging';
import { NOTIFICATIONS_DEAD_LETTER_TOPIC } from '../../contract';
import type { DeadLettersUseCase } from '../app/dead-letters.use-case';
import type { NotifyOrderEventUseCase } from '../app/notify-order-event.use-case';
import { ORDER_TOPICS } from '../domain/notification';
import { OrderEventBody } from './order-event.schema';

export interface SubscriptionUseCases {
  notify: NotifyOrderEventUseCase;
  deadLetters: DeadLettersUseCase;
}

/**
 * One delivery route per orders.* topic, answering Dapr honestly: SUCCESS once the email went out and
 * its record committed (or the event id was handled before), DROP for an event that can never be
 * handled (it goes to the dead-letter topic), and RETRY (a throw, see SubscriptionRouter) when the
 * database or the SMTP server failed, so the broker delivers it again.
 */
export function orderEventSubscriptions(uc: SubscriptionUseCases, log: Logger, pubsubName = 'pubsub'): Subscription[] {
  const topics: Subscription[] = ORDER_TOPICS.map((topic) => ({
    pubsubName,
    topic,
    route: `/events/${topic}`,
    deadLetterTopic: NOTIFICATIONS_DEAD_LETTER_TOPIC,
    handler: async (event: CloudEvent) => {
      const body = OrderEventBody.safeParse(event.data);
      if (!body.success) {
        log.warn(
          { topic, eventId: event.id, issues: body.error.issues.length },
          'malformed order event: dead-lettered',
        );
        return 'DROP';
      }
      const outcome = await uc.notify.execute(event.id, topic, body.data);
      if (outcome === 'duplicate') log.info({ topic, eventId: event.id }, 'event seen before: nothing sent');
      return 'SUCCESS';
    },
  }));
  const deadLetters: Subscription = {
    pubsubName,
    topic: NOTIFICATIONS_DEAD_LETTER_TOPIC,
    route: `/events/${NOTIFICATIONS_DEAD_LETTER_TOPIC}`,
    // Parked as it came, whatever it holds; no dead-letter topic of its own (no loop).
    handler: async (event: CloudEvent) => {
      const topic = typeof event.topic === 'string' && event.topic.length <= 200 ? event.topic : 'unknown';
      await uc.deadLetters.park({ eventId: event.id.slice(0, 200), topic, data: event.data, receivedAt: new Date() });
      return 'SUCCESS';
    },
  };
  return [...topics, deadLetters];
}
