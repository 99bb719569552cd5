import type { Sidecar } from '@dbcarts/dapr';
import type { EventPublisherPort } from '../app/ports/dead-letter.port';

/** Publishes through the sidecar under the given CloudEvent id (Sidecar.publish sets `cloudevent.id`). */
export class DaprEventPublisher implements EventPublisherPort {
  constructor(
    private readonly sidecar: Sidecar,
    private readonly pubsub = 'pubsub',
  ) {}

  publish(topic: string, data: unknown, id: string): Promise<void> {
    return this.sidecar.publish(this.pubsub, topic, data, { id });
  }
}
