import { appendToOutbox, isDuplicateKey } from '@dbcarts/db';
import type { DataSource } from 'typeorm';
import type { NoticeEffect, WebhookRepositoryPort } from '../../app/ports/webhook.port';
import type { Payment, ProviderName } from '../../domain/payment';
import { PaymentBusyError } from '../../domain/payment.errors';
import type { ProviderNotice } from '../../domain/provider-notice';
import { affected, BROADCAST, journalInsert, PAYMENT_COLUMNS, type PaymentRow, toPayment } from './payment.rows';

class Duplicate extends Error {}

export class TypeormWebhookRepository implements WebhookRepositoryPort {
  constructor(
    private readonly ds: DataSource,
    private readonly committed: () => void = () => undefined,
  ) {}

  async findByRef(provider: ProviderName, ref: string): Promise<Payment | undefined> {
    const rows: PaymentRow[] = await this.ds.query(
      `${BROADCAST.byProviderRef} SELECT ${PAYMENT_COLUMNS} FROM payments WHERE provider = ? AND provider_ref = ? ORDER BY created_at DESC LIMIT 1`,
      [provider, ref],
    );
    return rows[0] && toPayment(rows[0]);
  }

  async record(
    notice: ProviderNotice,
    effect?: NoticeEffect,
    found?: Payment,
  ): Promise<'applied' | 'ignored' | 'duplicate'> {
    // The event's row sits on its payment's shard; one that matched no payment under customer ''
    // (a redelivery resolves to the same payment, hence the same shard, so the dedup holds).
    const customerId = effect?.payment.customerId ?? found?.customerId ?? '';
    try {
      const outcome = await this.ds.transaction(async (m) => {
        try {
          await m.query(
            'INSERT INTO webhook_events (customer_id, provider, event_id, type, order_id, outcome) VALUES (?, ?, ?, ?, ?, ?)',
            [
              customerId,
              notice.provider,
              notice.eventId,
              notice.type.slice(0, 100),
              effect?.payment.orderId ?? found?.orderId ?? null,
              'ignored',
            ],
          );
        } catch (e) {
          if (isDuplicateKey(e)) throw new Duplicate();
          throw e;
        }
        if (!effect) return 'ignored' as const;
        const { payment, change } = effect;
        // Only from authorized, and never under one of our own steps: a capture or void we are making
        // right now books itself, under the same journal key.
        const moved = await m.query(
          `UPDATE payments SET status = ?, captured = COALESCE(?, captured)
           WHERE customer_id = ? AND order_id = ? AND status = 'authorized' AND (step IS NULL OR lease_until < NOW(3))`,
          [change.status, change.captured ?? null, customerId, payment.orderId],
        );
        if (affected(moved) !== 1) {
          const [row]: { busy: number }[] = await m.query(
            `SELECT (step IS NOT NULL AND lease_until >= NOW(3)) AS busy FROM payments WHERE customer_id = ? AND order_id = ?`,
            [customerId, payment.orderId],
          );
          if (Number(row?.busy) === 1) throw new PaymentBusyError(payment.orderId);
          return 'ignored' as const;
        }
        const { sql, params } = journalInsert(effect.journal, customerId);
        await m.query(sql, params);
        await appendToOutbox(
          m,
          effect.events.map((e) => ({ id: e.id, pubsub: 'pubsub', topic: e.topic, data: e.data })),
          { shardKey: { column: 'customer_id', value: customerId } },
        );
        await m.query('UPDATE webhook_events SET outcome = ? WHERE customer_id = ? AND provider = ? AND event_id = ?', [
          'applied',
          customerId,
          notice.provider,
          notice.eventId,
        ]);
        return 'applied' as const;
      });
      if (outcome === 'applied') this.committed();
      return outcome;
    } catch (e) {
      if (e instanceof Duplicate) return 'duplicate';
      throw e;
    }
  }
}
