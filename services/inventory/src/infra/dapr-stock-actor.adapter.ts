import type { Sidecar } from '@dbcarts/dapr';
import type { ReserveItem, StockActorPort } from '../app/ports/stock-actor.port';
import type { FlashSaleSpec } from '../domain/flash-sale';
import type { FlashSaleView, Outcome, ReservationView, StockSnapshot } from '../domain/stock';
import { decodeOutcome, INVENTORY_ACTOR_TYPE, type WireBatchAnswer, type WireOutcome } from '../../contract/actor-wire';

/** Calls a SKU's actor through the sidecar's actor API (placement finds the host). */
export class DaprStockActorAdapter implements StockActorPort {
  constructor(private readonly sidecar: Sidecar) {}

  snapshot(sku: string): Promise<StockSnapshot> {
    return this.call(sku, 'snapshot');
  }

  async reserveBatch(sku: string, items: ReserveItem[]): Promise<Outcome<ReservationView>[]> {
    const answer = await this.call<WireBatchAnswer>(sku, 'reserveBatch', { items });
    return answer.outcomes.map((o, i) => fromWire(sku, items[i] as ReserveItem, o));
  }

  confirm(sku: string, reservationId: string): Promise<Outcome<ReservationView>> {
    return this.call(sku, 'confirm', { reservationId });
  }

  release(sku: string, reservationId: string): Promise<Outcome<ReservationView>> {
    return this.call(sku, 'release', { reservationId });
  }

  setOnHand(sku: string, onHand: number): Promise<Outcome<StockSnapshot>> {
    return this.call(sku, 'setOnHand', { onHand });
  }

  restock(sku: string, restockId: string, quantity: number): Promise<Outcome<StockSnapshot>> {
    return this.call(sku, 'restock', { restockId, quantity });
  }

  startFlashSale(sku: string, spec: FlashSaleSpec): Promise<Outcome<FlashSaleView>> {
    return this.call(sku, 'startFlashSale', { spec });
  }

  async flashSale(sku: string): Promise<FlashSaleView | null> {
    return (await this.call<{ sale: FlashSaleView | null }>(sku, 'flashSale')).sale;
  }

  private call<T>(sku: string, method: string, body?: object): Promise<T> {
    return this.sidecar.invokeActor<T>(INVENTORY_ACTOR_TYPE, sku, method, body);
  }
}

function fromWire(sku: string, item: ReserveItem, o: WireOutcome): Outcome<ReservationView> {
  const d = decodeOutcome(sku, item, o);
  if (!d.ok || !d.reservation)
    return { ok: false, error: d.refusal ?? { code: 'INTERNAL', message: 'no outcome', details: {} } };
  const r = d.reservation;
  const view: ReservationView = { sku, reservationId: r.reservationId, quantity: r.quantity, status: r.status };
  if (r.customerId) view.customerId = r.customerId;
  if (r.expiresAt) view.expiresAt = Date.parse(r.expiresAt);
  if (r.flashSaleId) view.flashSaleId = r.flashSaleId;
  if (r.unitPrice) view.unitPrice = r.unitPrice;
  return { ok: true, value: view, replayed: d.replayed ?? false };
}
