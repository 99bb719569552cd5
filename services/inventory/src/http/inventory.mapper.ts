import { toProblem } from '@dbcarts/http';
import type { FlashSaleDto, ReservationDto, ReserveOutcomeDto, StockView } from '../../contract';
import { InventoryRefusal } from '../domain/outcome';
import type { FlashSaleView, Outcome, ReservationView, StockSnapshot } from '../domain/stock';

// Public fields only: actor state (chunks, per-customer tallies, restock ids) never leaves the service.
export const toStockView = (s: StockSnapshot): StockView => ({
  sku: s.sku,
  onHand: s.onHand,
  reserved: s.reserved,
  available: s.available,
});

export const toReservationDto = (r: ReservationView): ReservationDto => ({
  reservationId: r.reservationId,
  sku: r.sku,
  quantity: r.quantity,
  status: r.status,
  ...(r.customerId ? { customerId: r.customerId } : {}),
  ...(r.expiresAt !== undefined ? { expiresAt: new Date(r.expiresAt).toISOString() } : {}),
  ...(r.flashSaleId ? { flashSaleId: r.flashSaleId } : {}),
  ...(r.unitPrice ? { unitPrice: { amount: r.unitPrice.amount, currency: r.unitPrice.currency } } : {}),
});

export const toOutcomeDto = (o: Outcome<ReservationView>): ReserveOutcomeDto =>
  o.ok
    ? { ok: true, reservation: toReservationDto(o.value), replayed: o.replayed }
    : { ok: false, problem: toProblem(new InventoryRefusal(o.error.code, o.error.message, o.error.details)) };

export const toFlashSaleDto = (s: FlashSaleView): FlashSaleDto => ({
  id: s.id,
  sku: s.sku,
  price: { amount: s.price.amount, currency: s.price.currency },
  startsAt: new Date(s.startsAt).toISOString(),
  endsAt: new Date(s.endsAt).toISOString(),
  quantity: s.quantity,
  remaining: s.remaining,
  perCustomerLimit: s.perCustomerLimit,
});
