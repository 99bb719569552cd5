/** An event a consumer gave up on (DROP), parked so an operator can look at it and replay it. */
export interface DeadLetter {
  eventId: string;
  /** The topic it was first published to (where a replay sends it back). */
  topic: string;
  /** The whole CloudEvent's data, as it arrived. */
  data: unknown;
  receivedAt: Date;
}

export interface DeadLetterStorePort {
  /** Idempotent by event id: a redelivered dead letter is parked once. */
  park(letter: DeadLetter): Promise<void>;
  list(limit: number): Promise<DeadLetter[]>;
  remove(eventId: string): Promise<void>;
}

export interface EventPublisherPort {
  /** Publishes with the given CloudEvent id, so consumers that saw it before deduplicate. */
  publish(topic: string, data: unknown, id: string): Promise<void>;
}
