import type { ReservationDto, StockView } from '../../contract';
import type { ReservationView, StockSnapshot } from '../domain/stock';

// Public fields only: actor state (reservation maps, restock ids) never leaves the service.
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
});
