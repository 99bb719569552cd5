import type { CloudEvent, Subscription } from '@dbcarts/dapr';
import type { Logger } from '@dbcarts/logging';
import { z } from 'zod';
import { NOTIFICATIONS_DEAD_LETTER_TOPIC } from '../../contract';
import type { NotifyAfterSalesEventUseCase } from '../app/notify-after-sales-event.use-case';

// The bodies of after-sales events (services/after-sales contract), read tolerantly like order events:
// every field used is checked, since values end up in an email's headers and body.
const Id = z.string().regex(/^[A-Za-z0-9-]{1,64}$/);
// Goes into the subject header: no line breaks (header injection).
const OneLine = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[^\r\n]*$/);
const Base = {
  customerId: z.string().min(1).max(64),
  // One plain address: the SMTP binding splits emailTo on ';', so separators must not get through.
  customerEmail: z.email().max(254),
  status: z.string().regex(/^[a-z_]{1,32}$/),
  occurredAt: z.string().max(64),
};
export const CaseUpdatedBody = z.object({
  ...Base,
  caseId: Id,
  subject: OneLine(200),
  change: z.enum(['reply', 'status']),
  message: z.string().max(8000).nullable(),
});
export const ClaimDecidedBody = z.object({
  ...Base,
  claimId: Id,
  orderId: Id,
  sku: z.string().min(1).max(64),
  productName: OneLine(200),
  resolution: z.string().max(16).nullable(),
  note: z.string().max(2000),
});

/**
 * One delivery route per after-sales topic, answering Dapr honestly like the order events' routes:
 * SUCCESS once the email went out and its record committed (or the event id was handled before),
 * DROP for a body that can never pass (dead-lettered), RETRY (a throw) when the database or SMTP failed.
 */
export function afterSalesEventSubscriptions(
  notify: NotifyAfterSalesEventUseCase,
  log: Logger,
  pubsubName = 'pubsub',
): Subscription[] {
  const route = <T>(topic: string, schema: z.ZodType<T>, handle: (id: string, body: T) => Promise<unknown>) => ({
    pubsubName,
    topic,
    route: `/events/${topic}`,
    deadLetterTopic: NOTIFICATIONS_DEAD_LETTER_TOPIC,
    handler: async (event: CloudEvent) => {
      const body = schema.safeParse(event.data);
      if (!body.success) {
        log.warn({ topic, eventId: event.id, issues: body.error.issues.length }, 'malformed event: dead-lettered');
        return 'DROP' as const;
      }
      const outcome = await handle(event.id, body.data);
      if (outcome === 'duplicate') log.info({ topic, eventId: event.id }, 'event seen before: nothing sent');
      return 'SUCCESS' as const;
    },
  });
  return [
    route('support.case-updated', CaseUpdatedBody, (id, b) => notify.caseUpdated(id, b)),
    route('warranty.claim-decided', ClaimDecidedBody, (id, b) => notify.claimDecided(id, b)),
  ];
}
