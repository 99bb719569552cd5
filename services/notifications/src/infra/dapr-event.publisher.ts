import { DependencyUnavailableError } from '@dbcarts/errors';
import type { Sidecar } from '@dbcarts/dapr';
import { traceHeaders } from '@dbcarts/telemetry';
import type { EventPublisherPort } from '../app/ports/dead-letter.port';

/**
 * Publishes through the sidecar with the CloudEvent id set. Dapr takes envelope overrides from
 * `metadata.cloudevent.id` (pkg/runtime/pubsub/cloudevents.go); Sidecar.publish in packages/dapr sends
 * `metadata.id`, which Dapr 1.18 ignores (it generates a fresh id), so a replay through it would
 * reach consumers as a new event. Go back to Sidecar.publish once it sends the right key.
 */
export class DaprEventPublisher implements EventPublisherPort {
  constructor(
    private readonly sidecar: Sidecar,
    private readonly pubsub = 'pubsub',
    private readonly timeoutMs = 10_000,
  ) {}

  async publish(topic: string, data: unknown, id: string): Promise<void> {
    const url = `${this.sidecar.baseUrl}/v1.0/publish/${this.pubsub}/${encodeURIComponent(topic)}?metadata.cloudevent.id=${encodeURIComponent(id)}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...traceHeaders() },
        body: JSON.stringify(data),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw new DependencyUnavailableError(`pubsub ${this.pubsub}`, (e as Error).message);
    }
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      throw new DependencyUnavailableError(`pubsub ${this.pubsub}`, `HTTP ${res.status} ${text.slice(0, 300)}`);
    }
  }
}
