import { Router } from 'express';
import {
  FlashSaleBody,
  ReservationParams,
  RestockBody,
  ReserveBatchBody,
  ReserveBody,
  SetStockBody,
  SkuParams,
} from '../../contract';
import type { ManageStockUseCase } from '../app/manage-stock.use-case';
import type { ReserveStockUseCase } from '../app/reserve-stock.use-case';
import type { SettleReservationUseCase } from '../app/settle-reservation.use-case';
import { toFlashSaleDto, toOutcomeDto, toReservationDto, toStockView } from './inventory.mapper';

export interface InventoryUseCases {
  stock: ManageStockUseCase;
  reserve: ReserveStockUseCase;
  settle: SettleReservationUseCase;
}

/** The service's internal API, reached through Dapr service invocation (app id `inventory`). */
export function inventoryRoutes(uc: InventoryUseCases): Router {
  const r = Router();

  r.get('/stock/:sku', async (req, res) => {
    const { sku } = SkuParams.parse(req.params);
    res.json(toStockView(await uc.stock.get(sku)));
  });

  r.put('/stock/:sku', async (req, res) => {
    const { sku } = SkuParams.parse(req.params);
    const { onHand } = SetStockBody.parse(req.body);
    res.json(toStockView(await uc.stock.set(sku, onHand)));
  });

  r.post('/stock/:sku/restock', async (req, res) => {
    const { sku } = SkuParams.parse(req.params);
    const { restockId, quantity } = RestockBody.parse(req.body);
    res.json(toStockView(await uc.stock.restock(sku, restockId, quantity)));
  });

  r.post('/reservations', async (req, res) => {
    const { sku, ...item } = ReserveBody.parse(req.body);
    const { reservation, replayed } = await uc.reserve.execute(sku, item);
    if (replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(201).json(toReservationDto(reservation));
  });

  // Group commit from callers' batchers: one invocation carries many reservations for one SKU.
  r.post('/reservations/batch', async (req, res) => {
    const { sku, items } = ReserveBatchBody.parse(req.body);
    const outcomes = await uc.reserve.executeBatch(sku, items);
    res.json({ outcomes: outcomes.map(toOutcomeDto) });
  });

  for (const action of ['confirm', 'release'] as const) {
    r.post(`/reservations/:sku/:reservationId/${action}`, async (req, res) => {
      const { sku, reservationId } = ReservationParams.parse(req.params);
      res.json(toReservationDto(await uc.settle.execute(sku, reservationId, action)));
    });
  }

  r.put('/flash-sales/:sku', async (req, res) => {
    const { sku } = SkuParams.parse(req.params);
    const b = FlashSaleBody.parse(req.body);
    const spec = { ...b, startsAt: Date.parse(b.startsAt), endsAt: Date.parse(b.endsAt) };
    const { sale, replayed } = await uc.stock.startFlashSale(sku, spec);
    res.status(replayed ? 200 : 201).json(toFlashSaleDto(sale));
  });

  r.get('/flash-sales/active', async (_req, res) => {
    const sales = await uc.stock.activeFlashSales(Date.now());
    res.json(sales.map(toFlashSaleDto));
  });

  r.get('/flash-sales/:sku', async (req, res) => {
    const { sku } = SkuParams.parse(req.params);
    const sale = await uc.stock.flashSale(sku);
    res.json({ sale: sale ? toFlashSaleDto(sale) : null });
  });
  return r;
}
