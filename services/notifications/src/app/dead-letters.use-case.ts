import { inject, injectable } from 'tsyringe';
import { NOTIFICATIONS } from './notifications.tokens';
import type { DeadLetter, DeadLetterStorePort, EventPublisherPort } from './ports/dead-letter.port';

/**
 * Events this service dropped (malformed, or a topic it cannot handle) reach its dead-letter topic
 * and are parked here, since a broker keeps nothing on a topic no one subscribes to. After a fix
 * an operator replays them: each goes back to its original topic under its original id, so every
 * consumer that had handled it already deduplicates it.
 */
@injectable()
export class DeadLettersUseCase {
  constructor(
    @inject(NOTIFICATIONS.DeadLetters) private readonly store: DeadLetterStorePort,
    @inject(NOTIFICATIONS.Publisher) private readonly publisher: EventPublisherPort,
  ) {}

  park(letter: DeadLetter): Promise<void> {
    return this.store.park(letter);
  }

  list(limit: number): Promise<DeadLetter[]> {
    return this.store.list(limit);
  }

  /** Republishes up to `limit`, oldest first; each leaves the store only once the broker took it. */
  async replay(limit: number): Promise<{ replayed: string[] }> {
    const replayed: string[] = [];
    for (const letter of await this.store.list(limit)) {
      await this.publisher.publish(letter.topic, letter.data, letter.eventId);
      await this.store.remove(letter.eventId);
      replayed.push(letter.eventId);
    }
    return { replayed };
  }
}
