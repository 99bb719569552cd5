import { isDuplicateKey } from '@dbcarts/db';
import type { DataSource } from 'typeorm';
import type { DeadLetter, DeadLetterStorePort } from '../../app/ports/dead-letter.port';

interface Row {
  event_id: string;
  topic: string;
  payload: string;
  received_at: Date;
}

export class TypeormDeadLetterStore implements DeadLetterStorePort {
  constructor(private readonly ds: DataSource) {}

  async park(l: DeadLetter): Promise<void> {
    try {
      await this.ds.query('INSERT INTO dead_letters (event_id, topic, payload, received_at) VALUES (?, ?, ?, ?)', [
        l.eventId,
        l.topic,
        JSON.stringify(l.data ?? null),
        l.receivedAt,
      ]);
    } catch (e) {
      if (!isDuplicateKey(e)) throw e; // parked already: a redelivered dead letter
    }
  }

  async list(limit: number): Promise<DeadLetter[]> {
    const rows: Row[] = await this.ds.query(
      'SELECT event_id, topic, payload, received_at FROM dead_letters ORDER BY seq LIMIT ?',
      [limit],
    );
    return rows.map((r) => ({
      eventId: r.event_id,
      topic: r.topic,
      data: JSON.parse(r.payload),
      receivedAt: new Date(r.received_at),
    }));
  }

  async remove(eventId: string): Promise<void> {
    await this.ds.query('DELETE FROM dead_letters WHERE event_id = ?', [eventId]);
  }
}
